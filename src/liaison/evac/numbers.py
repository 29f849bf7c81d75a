"""Document numbers from blocks pre-allocated to each station, with an ICAO 9303 7-3-1 check digit.

A block is a station prefix plus a contiguous range, so stations working offline never collide.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.core.errors import ValidationError


def _value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValidationError(f"character {ch!r} not allowed in a document number")


def check_digit(text: str) -> str:
    """ICAO 9303 Part 3 §4.9: weights 7, 3, 1 repeated, sum modulo 10."""
    weights = (7, 3, 1)
    return str(sum(_value(c) * weights[i % 3] for i, c in enumerate(text.upper())) % 10)


def valid_number(number: str) -> bool:
    return len(number) >= 2 and number[-1] == check_digit(number[:-1])


@dataclass
class Block:
    """A station's range of serials [start, end]; `next` is the next unused serial."""

    station: str
    start: int
    end: int
    next: int

    def take(self) -> str:
        if self.next > self.end:
            raise ValidationError(f"block {self.station} {self.start}-{self.end} is used up")
        body = f"{self.station}{self.next:06d}"
        self.next += 1
        return body + check_digit(body)


def allocate(stations: list[str], size: int) -> dict[str, Block]:
    """Split the serial space into disjoint blocks, one per station."""
    blocks: dict[str, Block] = {}
    for i, st in enumerate(stations):
        if not (st.isalnum() and st.isupper() and len(st) == 3):
            raise ValidationError(f"station code {st!r} must be three upper-case letters/digits")
        blocks[st] = Block(st, i * size + 1, (i + 1) * size, i * size + 1)
    return blocks
