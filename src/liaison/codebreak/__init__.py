"""Codebreaking workbench: classical ciphers over ru/pl/de/en alphabets and their solvers."""

DEFAULT_BUDGET = 10.0  # seconds `liaison crack` and `intercepts solve` spend at most unless told
