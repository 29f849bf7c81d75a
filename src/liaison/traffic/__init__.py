"""Radio traffic: our intercept stations, operators' logs, nets and call signs, inferred
subordination and direction-finding fixes. Works from metadata alone (codebreak/ reads the text)."""
