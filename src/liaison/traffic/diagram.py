"""The net diagram: stations as boxes, each control above its outstations, each link labelled with
the net's frequency. Drawn server-side as plain SVG (no script), so the CSP-strict web app, the CLI
and the docs show the same picture."""

from __future__ import annotations

from html import escape
from typing import Any

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 92, 34, 12, 70, 20


def layout(nodes: list[int], parent: dict[int, int | None]) -> dict[int, tuple[float, int]]:
    """Tidy tree: leaves left to right, each parent centred over its children; (x slot, depth)."""
    kids: dict[int | None, list[int]] = {}
    present = set(nodes)
    for n in nodes:
        p = parent.get(n)
        kids.setdefault(p if p in present else None, []).append(n)
    pos: dict[int, tuple[float, int]] = {}
    cursor = [0.0]

    def place(n: int, depth: int, seen: set[int]) -> float:
        if n in seen:  # a cycle in inferred parents: draw it once
            return cursor[0]
        seen.add(n)
        ch = sorted(kids.get(n, []))
        if not ch:
            x = cursor[0]
            cursor[0] += 1
        else:
            xs = [place(c, depth + 1, seen) for c in ch]
            x = (min(xs) + max(xs)) / 2
        pos[n] = (x, depth)
        return x

    seen: set[int] = set()
    for r in sorted(kids.get(None, [])):
        place(r, 0, seen)
    for n in nodes:  # anything left (only in cycles)
        if n not in pos:
            place(n, 0, seen)
    return pos


def svg(report: dict[str, Any], net: int | None = None, title: str = "") -> str:
    """SVG of the nets in a `service.nets` report (or one net of it)."""
    ents = {e["entity"]: e for e in report["entities"]}
    nets = [n for n in report["nets"] if net is None or n["net"] == net]
    members: set[int] = set()
    parent: dict[int, int | None] = {}
    freq: dict[int, float] = {}
    for n in nets:
        if n["control"] is None:
            continue
        members.add(n["control"])
        for o in n["outstations"]:
            members.add(o)
            if net is not None or ents[o].get("parent") == n["control"]:
                parent[o] = n["control"]
                freq[o] = n["frequency_khz"]
    nodes = sorted(members)
    pos = layout(nodes, parent)
    width = int(PAD * 2 + max((x for x, _ in pos.values()), default=0) * (BOX_W + GAP_X) + BOX_W)
    depth = max((d for _, d in pos.values()), default=0)
    height = int(PAD * 2 + 24 + depth * (BOX_H + GAP_Y) + BOX_H)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<text x="{PAD}" y="{PAD}" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]

    def xy(n: int) -> tuple[float, float]:
        x, d = pos[n]
        return PAD + x * (BOX_W + GAP_X), PAD + 24 + d * (BOX_H + GAP_Y)

    for o, p in parent.items():
        if o not in pos or p not in pos:
            continue
        x1, y1 = xy(p)
        x2, y2 = xy(o)
        out.append(
            f'<line x1="{x1 + BOX_W / 2:.0f}" y1="{y1 + BOX_H:.0f}" x2="{x2 + BOX_W / 2:.0f}" '
            f'y2="{y2:.0f}" stroke="#667" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{x2 + BOX_W / 2:.0f}" y="{y2 - 4:.0f}" text-anchor="middle" '
            f'fill="#557" font-size="9">{freq[o]:g} kHz</text>'
        )
    for n in nodes:
        x, y = xy(n)
        e = ents[n]
        unit = e.get("unit")
        calls = list(e["call_signs"].values())
        label = unit or (calls[-1] if calls else f"#{n}")
        sub = "/".join(dict.fromkeys(calls))[:18]
        is_control = bool(e.get("controls"))
        fill = "#fde2c8" if is_control else "#e4ecf7"
        out.append(
            f"<g><title>{escape(f'station {n}: ' + ', '.join(f'{d} {c}' for d, c in e['call_signs'].items()))}</title>"
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="4" '
            f'fill="{fill}" stroke="#334"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 14:.0f}" text-anchor="middle" '
            f'font-weight="bold">{escape(str(label)[:16])}</text>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 27:.0f}" text-anchor="middle" '
            f'font-size="9" fill="#444">{escape(sub)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)
