"""Codebreaking workbench: classical ciphers over ru/pl/de/en alphabets and their solvers."""
