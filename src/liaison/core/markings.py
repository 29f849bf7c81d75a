"""Markings: TLP 2.0 and REL TO, with an originator-control flag.

What may leave is decided from these in courier.policy; here they are parsed and kept canonical.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


@dataclass(frozen=True)
class Highest:
    """The marking a page showing several items must bear, and how many items it covers.

    `no_common_release` is set when items carry REL TO lists that share no partner: the page as a
    whole may then go to none of them, which an empty `rel_to` alone would not say."""

    marking: Marking
    items: int
    no_common_release: bool = False


def as_marking(value: object) -> Marking:
    """A marking from what lists carry: a Marking, its text, a {tlp, rel_to, orcon} mapping or
    any record with those attributes (a report, an intercept)."""
    if isinstance(value, Marking):
        return value
    if value is None:
        return Marking()
    if isinstance(value, str):
        return parse_marking(value)
    if isinstance(value, Mapping):
        tlp, rel, orcon = value.get("tlp"), value.get("rel_to"), value.get("orcon")
    else:
        tlp = getattr(value, "tlp", None)
        rel, orcon = getattr(value, "rel_to", None), getattr(value, "orcon", False)
    if tlp is None:
        raise ValueError(f"no TLP in {value!r}")
    return Marking(tlp=parse_tlp(str(tlp)), rel_to=tuple(sorted(set(rel or ()))), orcon=bool(orcon))


def highest(markings: Iterable[object]) -> Highest | None:
    """The strictest TLP of the items, REL TO only the partners every restricted item is released
    to, ORCON when any item has it; None when there are no items (a page with nothing on it needs
    no banner). Items without REL TO do not narrow the list: they are not restricted by it."""
    rank = {t: i for i, t in enumerate(TLP_LEVELS)}
    top = -1
    rel: set[str] | None = None
    orcon = False
    n = 0
    for value in markings:
        m = as_marking(value)
        n += 1
        top = max(top, rank[m.tlp])
        orcon = orcon or m.orcon
        if m.rel_to:
            rel = set(m.rel_to) if rel is None else rel & set(m.rel_to)
    if n == 0:
        return None
    return Highest(
        marking=Marking(tlp=TLP_LEVELS[top], rel_to=tuple(sorted(rel or ())), orcon=orcon),
        items=n,
        no_common_release=rel is not None and not rel,
    )
