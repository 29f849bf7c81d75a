"""Add Russia's villages to src/liaison/names/data/villages.tsv.gz from GeoNames' postal-code
file RU.txt (data/VILLAGES.md gives the source, the licence and the rule).

Usage: python tools/add_ru_villages.py RU.txt

The rule is the one the other countries of the list were built by: rows whose coordinates
GeoNames marks as accurate, plain names only, no coordinate shared by three or more names (an
area's centre), one row per name and 0.01° square. Rows of Russia already in the list are
replaced, so running it twice gives the same file.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

VILLAGES = Path(__file__).parent.parent / "src" / "liaison" / "names" / "data" / "villages.tsv.gz"
ACCURATE = {"3", "4", "6"}  # 1 is "estimated": a district's centre, not the village's
PLAIN = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*$")  # letters, spaces and hyphens: no post offices


def ru_rows(path: Path) -> list[tuple[str, float, float]]:
    """The accurate, plainly named rows of the postal file, each (name, lat, lon)."""
    rows: list[tuple[str, float, float]] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 12:
                raise SystemExit(f"{path}:{n}: expected 12 tab-separated fields, got {len(cols)}")
            if cols[0] != "RU" or cols[11] not in ACCURATE:
                continue
            name = " ".join(cols[2].split())
            if not PLAIN.match(name):
                continue
            rows.append((name, round(float(cols[9]), 3), round(float(cols[10]), 3)))
    names_at: dict[tuple[float, float], set[str]] = defaultdict(set)
    for name, lat, lon in rows:
        names_at[(lat, lon)].add(name)
    seen: set[tuple[str, int, int]] = set()
    out: list[tuple[str, float, float]] = []
    for name, lat, lon in rows:
        if len(names_at[(lat, lon)]) >= 3:
            continue
        cell = (name, round(lat * 100), round(lon * 100))
        if cell in seen:
            continue
        seen.add(cell)
        out.append((name, lat, lon))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = gzip.decompress(VILLAGES.read_bytes()).decode("utf-8").splitlines()
    header, body = lines[0], [ln for ln in lines[1:] if ln.split("\t")[3] != "RU"]
    body += [f"{n}\t{lat:g}\t{lon:g}\tRU" for n, lat, lon in ru_rows(Path(argv[1]))]
    body.sort(key=lambda ln: (ln.split("\t")[3], ln))
    data = "\n".join([header, *body]) + "\n"
    VILLAGES.write_bytes(gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0))
    ru = sum(ln.endswith("\tRU") for ln in body)
    print(f"{ru} Russian places, {len(body)} in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
