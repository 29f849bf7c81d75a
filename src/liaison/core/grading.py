"""Admiralty (NATO AJP-2.1) grading: source reliability A–F and information credibility 1–6.

The two are kept apart on purpose: folding them into one number hides a reliable source
reporting an unconfirmed fact.
"""

from __future__ import annotations

RELIABILITY = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
CREDIBILITY = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}


def parse_reliability(text: str) -> str:
    s = text.strip().upper()
    if s not in RELIABILITY:
        raise ValueError(f"source reliability must be one of A–F, got {text!r}")
    return s


def parse_credibility(text: str | int) -> int:
    try:
        n = int(str(text).strip())
    except ValueError:
        raise ValueError(f"information credibility must be 1–6, got {text!r}") from None
    if n not in CREDIBILITY:
        raise ValueError(f"information credibility must be 1–6, got {text!r}")
    return n


def grade(reliability: str | None, credibility: int | None) -> str:
    """The usual two-character grading ('B2'); '?' where a half is unknown."""
    return f"{reliability or '?'}{credibility if credibility is not None else '?'}"
