"""Markings: TLP 2.0 and REL TO, with an originator-control flag.

What may leave is decided from these in courier.policy; here they are parsed and kept canonical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


@dataclass(frozen=True)
class Marking:
    tlp: str = "AMBER"
    rel_to: tuple[str, ...] = field(default_factory=tuple)
    orcon: bool = False

    def to_text(self) -> str:
        parts = [f"TLP:{self.tlp}"]
        if self.rel_to:
            parts.append("REL TO " + ",".join(self.rel_to))
        if self.orcon:
            parts.append("ORCON")
        return " ".join(parts)


def parse_tlp(text: str) -> str:
    s = text.strip().upper().removeprefix("TLP:").replace(" ", "")
    if s == "WHITE":  # TLP 1.0 name, mapped as TLP 2.0 prescribes
        s = "CLEAR"
    if s not in TLP_LEVELS:
        raise ValueError(f"TLP must be one of {', '.join(TLP_LEVELS)}, got {text!r}")
    return s


def parse_marking(text: str) -> Marking:
    """Parse 'TLP:AMBER REL TO PL,JP ORCON' (parts optional, any order)."""
    s = text.strip()
    if not s:
        return Marking()
    tlp = "AMBER"
    rel: list[str] = []
    orcon = False
    upper = s.upper()
    if "REL TO" in upper:
        head, _, tail = upper.partition("REL TO")
        tail = tail.replace("ORCON", " ")
        rel = [c.strip() for c in tail.replace(";", ",").split(",") if c.strip()]
        if "ORCON" in upper:
            orcon = True
        upper = head
    for tok in upper.split():
        if tok == "ORCON":
            orcon = True
        elif tok.startswith("TLP:") or tok in TLP_LEVELS or tok == "WHITE":
            tlp = parse_tlp(tok)
        else:
            raise ValueError(f"unknown marking part {tok!r} in {text!r}")
    for code in rel:
        if not code.isalnum():
            raise ValueError(f"REL TO partner code {code!r} is not a code")
    return Marking(tlp=tlp, rel_to=tuple(sorted(set(rel))), orcon=orcon)
