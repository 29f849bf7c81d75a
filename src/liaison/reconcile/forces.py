"""The force-level view: strength and equipment totalled by front (or district) and army, per
partner and agreed, over time — and what changed this week, as tables and a server-side SVG.

A figure is counted once, at the highest level that reports it: when a division reports its
strength and so do its regiments, the division's figure stands for them (it already includes
them) and theirs are not added again. Units with no front or army above them count under
"(unassigned)". The agreed picture is read from a closed meeting's agreed facts; their parent
links point into the picture each fact came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import iso, to_utc, utcnow
from liaison.core.errors import NotFoundError, ValidationError
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.picture import get_picture
from liaison.store.schema.reconcile import agreed_unit, meeting

LEVELS = ("front", "army")
UNASSIGNED = "(unassigned)"
FRONT_ECHELONS = {"front", "district", "army_group"}


@dataclass
class Totals:
    """Totals for one formation: strength and each equipment type, with the units counted."""

    strength: int = 0
    equipment: dict[str, int] = field(default_factory=dict)
    units: int = 0

    def measure(self, name: str) -> int:
        return self.strength if name == "strength" else self.equipment.get(name, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "strength": self.strength,
            "equipment": dict(sorted(self.equipment.items())),
            "units": self.units,
        }


def _ancestors(u: UnitView, units: dict[str, UnitView]) -> list[UnitView]:
    out: list[UnitView] = []
    seen = {u.unit_id}
    p = u.parent_id
    while p and p in units and p not in seen and len(out) < 50:
        seen.add(p)
        out.append(units[p])
        p = units[p].parent_id
    return out


def _label(u: UnitView) -> str:
    return f"{u.designation or u.unit_id}"


def totals(pic: Picture, level: str = "front") -> dict[str, Totals]:
    """Totals by formation at `level` ("front" — fronts and districts — or "army")."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    wanted = FRONT_ECHELONS if level == "front" else {"army"}
    out: dict[str, Totals] = {}
    for u in pic.units.values():
        anc = _ancestors(u, pic.units)
        chain = [u, *anc]
        head = next((x for x in chain if (x.echelon or "") in wanted), None)
        key = _label(head) if head is not None else UNASSIGNED
        t = out.setdefault(key, Totals())
        t.units += 1
        # counted once, at the highest level reporting it
        if u.strength is not None and not any(a.strength is not None for a in anc):
            t.strength += u.strength
        for item, n in u.equipment.items():
            if not any(item in a.equipment for a in anc):
                t.equipment[item] = t.equipment.get(item, 0) + n
    return dict(sorted(out.items()))


def agreed_as_picture(conn: Connection, meeting_id: int) -> Picture:
    """A closed meeting's agreed picture as a Picture (parent links re-keyed to agreed units)."""
    m = conn.execute(sa.select(meeting).where(meeting.c.id == meeting_id)).first()
    if m is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    rows = conn.execute(sa.select(agreed_unit).where(agreed_unit.c.meeting_id == meeting_id)).all()
    if not rows and m.status != "closed":  # closing writes the agreed units before the minutes
        raise NotFoundError(f"meeting {meeting_id} has no agreed picture yet")
    key_of: dict[tuple[str, str], str] = {}
    for r in rows:
        if r.ours_unit:
            key_of[(m.ours_partner, r.ours_unit)] = r.key
        if r.theirs_unit:
            key_of[(m.theirs_partner, r.theirs_unit)] = r.key
    units: dict[str, UnitView] = {}
    for r in rows:
        f = r.facts

        def val(name: str, f: dict[str, Any] = f) -> Any:
            return (f.get(name) or {}).get("value")

        parent = f.get("parent_id") or {}
        pkey = key_of.get((parent.get("partner"), parent.get("value")))
        units[r.key] = UnitView(
            partner="agreed",
            unit_id=r.key,
            designation=val("designation") or r.key,
            echelon=val("echelon"),
            parent_id=pkey,
            equipment=dict(val("equipment") or {}),
            strength=val("strength"),
        )
    return Picture("agreed", units, m.as_of, m.snapshot_at)


def series(
    conn: Connection,
    partners: list[str],
    *,
    level: str = "front",
    weeks: int = 4,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Totals per partner at weekly points (recorded time: what we knew then), oldest first."""
    now = now or utcnow()
    points = [now - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]
    out: dict[str, Any] = {"level": level, "at": [iso(p) for p in points], "partners": {}}
    for code in partners:
        out["partners"][code] = [
            {k: t.to_dict() for k, t in totals(get_picture(conn, code, None, p), level).items()}
            for p in points
        ]
    return out


def week_change(
    conn: Connection,
    partner: str,
    *,
    level: str = "front",
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """What changed this week: each formation's totals a week ago and now, and the difference."""
    now = now or utcnow()
    before = totals(get_picture(conn, partner, None, now - timedelta(days=7)), level)
    after = totals(get_picture(conn, partner, None, now), level)
    return diff_rows(before, after)


def diff_rows(before: dict[str, Totals], after: dict[str, Totals]) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name, Totals()), after.get(name, Totals())
        items = sorted(set(b.equipment) | set(a.equipment))
        rows.append(
            {
                "formation": name,
                "strength": {"before": b.strength, "after": a.strength},
                "equipment": {
                    k: {"before": b.equipment.get(k, 0), "after": a.equipment.get(k, 0)}
                    for k in items
                },
                "units": {"before": b.units, "after": a.units},
                "changed": b.to_dict() != a.to_dict(),
            }
        )
    return rows


def measures(rows: list[dict[str, Any]]) -> list[str]:
    names = {"strength"}
    for r in rows:
        names |= set(r["equipment"])
    return ["strength", *sorted(names - {"strength"})]


def _value(r: dict[str, Any], name: str, when: str) -> int:
    if name == "strength":
        return int(r["strength"][when])
    return int(r["equipment"].get(name, {}).get(when, 0))


def svg_bars(rows: list[dict[str, Any]], measure: str, title: str, top: int = 12) -> str:
    """A horizontal bar chart, last week against this week, per formation (inline SVG, no JS)."""
    rows = sorted(
        rows,
        key=lambda r: -max(_value(r, measure, "before"), _value(r, measure, "after")),
    )[:top]
    width, left, bar, gap = 640, 220, 9, 8
    height = 40 + len(rows) * (2 * bar + gap) + 20
    peak = max([1] + [max(_value(r, measure, "before"), _value(r, measure, "after")) for r in rows])
    scale = (width - left - 70) / peak
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        '<rect x="4" y="24" width="10" height="8" fill="#9aa5b1"/>'
        '<text x="18" y="32" font-size="10">last week</text>'
        '<rect x="84" y="24" width="10" height="8" fill="#1f5fa8"/>'
        '<text x="98" y="32" font-size="10">this week</text>',
    ]
    y = 40
    for r in rows:
        b, a = _value(r, measure, "before"), _value(r, measure, "after")
        label = r["formation"] if len(r["formation"]) <= 34 else r["formation"][:33] + "…"
        out.append(
            f'<text x="{left - 6}" y="{y + bar + 3}" font-size="10" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        out.append(
            f'<rect x="{left}" y="{y}" width="{b * scale:.1f}" height="{bar}" fill="#9aa5b1">'
            f"<title>{escape(r['formation'])}: {b} last week</title></rect>"
        )
        out.append(
            f'<rect x="{left}" y="{y + bar}" width="{a * scale:.1f}" height="{bar}" fill="#1f5fa8">'
            f"<title>{escape(r['formation'])}: {a} this week</title></rect>"
        )
        delta = a - b
        out.append(
            f'<text x="{left + max(a, b) * scale + 4:.1f}" y="{y + bar + 3}" font-size="10">'
            f"{a:,} ({delta:+,})</text>"
        )
        y += 2 * bar + gap
    out.append("</svg>")
    return "".join(out)


def minutes_lines(conn: Connection, meeting_id: int, previous_id: int) -> list[str]:
    """Minutes lines: the agreed forces of this meeting against the previous one's, by front."""
    try:
        now_t = totals(agreed_as_picture(conn, meeting_id))
    except NotFoundError:
        m = conn.execute(sa.select(meeting).where(meeting.c.id == meeting_id)).first()
        if m is None:
            raise
        now_t = totals(get_picture(conn, m.ours_partner, m.as_of, m.snapshot_at))
    then_t = totals(agreed_as_picture(conn, previous_id))
    rows = diff_rows(then_t, now_t)
    lines = [
        "",
        "## Forces by front, last week and this week (agreed)",
        "",
        "| front | strength | change | equipment |",
        "|---|---|---|---|",
    ]
    for r in rows:
        s = r["strength"]
        eq = ", ".join(f"{k} {v['before']}→{v['after']}" for k, v in r["equipment"].items())
        lines.append(
            f"| {r['formation']} | {s['after']:,} | {s['after'] - s['before']:+,} | {eq} |"
        )
    title = "Strength by front: last week and this week"
    lines += ["", svg_image_line(svg_bars(rows, "strength", title), title), ""]
    return lines


def svg_image_line(svg: str, alt: str) -> str:
    """A Markdown image carrying the SVG itself (a data URI): the minutes stay one file."""
    import base64

    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"![{alt}](data:image/svg+xml;base64,{data})"


def snapshot_times(conn: Connection, partner: str) -> list[datetime]:
    """The snapshot times of the meetings held with `partner`, oldest first."""
    return [
        to_utc(r.snapshot_at)
        for r in conn.execute(
            sa.select(meeting.c.snapshot_at)
            .where(meeting.c.theirs_partner == partner)
            .order_by(meeting.c.id)
        )
    ]


def svg_lines(points: list[str], lines: dict[str, list[int]], title: str) -> str:
    """A line chart of totals over time, one line per picture (inline SVG, no JS)."""
    width, height, left, top, bottom = 640, 240, 70, 34, 40
    colours = ["#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400"]
    n = max(1, len(points) - 1)
    peak = max([1] + [v for vals in lines.values() for v in vals])
    plot_w, plot_h = width - left - 20, height - top - bottom

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + plot_w * i / n, top + plot_h * (1 - v / peak)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{peak:,}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    for i, p in enumerate(points):
        x, _ = xy(i, 0)
        out.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="9" text-anchor="middle">'
            f"{escape((p or '')[:10])}</text>"
        )
    for k, (name, vals) in enumerate(sorted(lines.items())):
        c = colours[k % len(colours)]
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(vals)))
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{pts}"/>')
        for i, v in enumerate(vals):
            x, y = xy(i, v)
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}">'
                f"<title>{escape(name)} {escape(points[i] or '')}: {v:,}</title></circle>"
            )
        out.append(
            f'<rect x="{left + 10 + 90 * k}" y="22" width="10" height="8" fill="{c}"/>'
            f'<text x="{left + 24 + 90 * k}" y="30" font-size="10">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _sum(t: dict[str, Totals], measure: str) -> int:
    return sum(x.measure(measure) for x in t.values())


def view(
    conn: Connection,
    partner: str,
    *,
    level: str = "front",
    measure: str = "strength",
    weeks: int = 4,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the force-level page and `liaison forces` show, for us and `partner`:
    this week against last week per formation (ours, theirs as received, agreed between the last
    two closed meetings), totals over the last `weeks` weeks, and the two charts as SVG."""
    from liaison.orbat.partners import get_partner, get_self

    if level not in LEVELS:
        raise ValidationError(f"level must be one of {', '.join(LEVELS)}")
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    p = get_partner(conn, partner)
    now = now or utcnow()
    week: dict[str, list[dict[str, Any]]] = {
        code: week_change(conn, code, level=level, now=now) for code in (me.code, p.code)
    }
    closed = [
        r.id
        for r in conn.execute(
            sa.select(meeting.c.id)
            .where(meeting.c.theirs_partner == p.code, meeting.c.status == "closed")
            .order_by(meeting.c.id)
        )
    ]
    agreed_points: list[tuple[str | None, int]] = []
    agreed_t: list[dict[str, Totals]] = []
    for mid in closed:
        t = totals(agreed_as_picture(conn, mid), level)
        agreed_t.append(t)
        snap = conn.execute(sa.select(meeting.c.snapshot_at).where(meeting.c.id == mid)).scalar()
        agreed_points.append((iso(snap), _sum(t, measure)))
    if agreed_t:
        week["agreed"] = diff_rows(agreed_t[-2] if len(agreed_t) > 1 else {}, agreed_t[-1])
    over = series(conn, [me.code, p.code], level=level, weeks=weeks, now=now)
    lines = {
        code: [
            sum(
                (f["strength"] if measure == "strength" else f["equipment"].get(measure, 0))
                for f in snap.values()
            )
            for snap in over["partners"][code]
        ]
        for code in (me.code, p.code)
    }
    all_rows = [r for rows in week.values() for r in rows]
    charts = {
        code: svg_bars(rows, measure, f"{code}: {measure} by {level}, last week and this week")
        for code, rows in week.items()
    }
    charts["over_time"] = svg_lines(over["at"], lines, f"{measure} over {weeks} weeks")
    return {
        "ours": me.code,
        "with": p.code,
        "level": level,
        "measure": measure,
        "measures": measures(all_rows) if all_rows else ["strength"],
        "this_week": week,
        "over_time": {"at": over["at"], "totals": lines},
        "agreed_meetings": [{"at": a, "total": v} for a, v in agreed_points],
        "charts": charts,
        "now": iso(now),
    }
