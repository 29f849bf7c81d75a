"""Minutes of a meeting (Markdown, and PDF when reportlab is installed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from liaison.core.clock import iso
from liaison.reconcile.cadence import weekly_sections
from liaison.reconcile.match import KINDS, Result


def _who(d: dict[str, Any]) -> str:
    parts = []
    for side in ("ours", "theirs"):
        src = d.get(f"{side}_source")
        if src:
            grade = f"{src.get('reliability') or '?'}{src.get('credibility') or '?'}"
            parts.append(
                f"{src['partner']} {src['unit_id']} «{src.get('designation', '')}» ({grade}, {src.get('observed_at') or '?'})"
            )
    return "; ".join(parts)


def _detail(d: dict[str, Any]) -> str:
    det = d["detail"]
    k = d["kind"]
    if k == "location":
        return f"{det['distance_km']} km apart (tolerance {det['tolerance_km']} km): {det.get('ours_place')} / {det.get('theirs_place')}"
    if k == "equipment":
        return ", ".join(f"{item} {v['ours']} / {v['theirs']}" for item, v in det["items"].items())
    if k in ("strength", "echelon", "branch"):
        return f"{det['ours']} / {det['theirs']}"
    if k == "subordination":
        return f"parent {det['ours_parent']} / {det['theirs_parent']}"
    if k == "stale":
        return f"{det['older']} report is {det['days']} days older"
    if k == "conflict":
        return "fits " + ", ".join(det["candidates"]) + " equally"
    return str(det.get("designation", ""))


def _pos(position: str | None, comment: str | None, me: str, partner: str) -> str:
    """A position as the minutes show it: whose report (a partner code), neither or defer."""
    if position is None:
        return "—"
    code = {"ours": me, "theirs": partner}.get(position, position)
    return f"{code}: {(comment or '').replace('|', '/')}"


def _memory(d: dict[str, Any]) -> str:
    mem = d.get("memory")
    if not mem:
        return "new"
    text = f"{mem['state']} in {mem.get('ref')}"
    if mem.get("changed"):
        text += " (changed: " + ", ".join(mem["changed"]) + ")"
    return text


def minutes_markdown(
    conn: Connection,
    meeting_id: int,
    *,
    closed_at: datetime | None = None,
    closed_by: str = "",
    agreed_count: int = 0,
    digest: str = "",
) -> str:
    from liaison.orbat.partners import get_partner
    from liaison.reconcile.meeting import current_meeting, list_discrepancies

    m = current_meeting(conn, meeting_id)
    discs = list_discrepancies(conn, m.id)
    po, pt = get_partner(conn, m.ours_partner), get_partner(conn, m.theirs_partner)
    lines = [
        f"# Minutes of liaison meeting {m.id}: {po.code} – {pt.code}",
        "",
        f"- Participants: {po.name} ({po.code}); {pt.name} ({pt.code})",
        f"- Pictures as of: {iso(m.as_of) or 'latest'} (valid time), as known at {iso(m.snapshot_at)}",
        f"- Opened by {m.opened_by}; closed {iso(closed_at) or '—'} by {closed_by or '—'}",
        f"- Matched units: {m.summary.get('matched')}; discrepancies: {len(discs)}",
        "",
    ]
    if agreed_count:
        lines += [f"Agreed picture: {agreed_count} units, SHA-256 {digest}.", ""]
    lines += ["| kind | count |", "|---|---|"]
    for k in KINDS:
        n = sum(1 for d in discs if d["kind"] == k)
        if n:
            lines.append(f"| {k} | {n} |")
    joint = m.shared == "joined"
    if m.shared:
        lines += ["", f"Held by both sides (meeting {m.ref}, hosted by {m.host}): {m.shared}."]
        if m.share_note:
            lines.append(f"Note: {m.share_note}")
    disputed = [d for d in discs if d["state"] == "disputed"]
    if disputed:
        lines += [
            "",
            "## Disputed",
            "",
            f"| # | kind | units | detail | {po.code} | {pt.code} |",
            "|---|---|---|---|---|---|",
        ]
        for d in disputed:
            lines.append(
                f"| {d['id']} | {d['kind']} | {d['ours'] or '—'} ↔ {d['theirs'] or '—'} | "
                f"{_detail(d)} | {_pos(d['resolution'], d['comment'], po.code, pt.code)} | "
                f"{_pos(d['partner_position'], d['partner_comment'], po.code, pt.code)} |"
            )
    raised = [d for d in discs if not d["settled"]]
    settled = [d for d in discs if d["settled"]]
    head = "| # | kind | severity | units | detail | memory | resolution | comment |"
    if joint:
        head = f"| # | kind | severity | units | detail | memory | {po.code} | {pt.code} | state |"
    lines += ["", "## Discrepancies", "", head, "|" + "---|" * (head.count("|") - 1)]
    for d in raised:
        units = f"{d['ours'] or '—'} ↔ {d['theirs'] or '—'}"
        row = f"| {d['id']} | {d['kind']} | {d['severity']} | {units} | {_detail(d)} | {_memory(d)} | "
        if joint:
            row += (
                f"{_pos(d['resolution'], d['comment'], po.code, pt.code)} | "
                f"{_pos(d['partner_position'], d['partner_comment'], po.code, pt.code)} | {d['state']} |"
            )
        else:
            row += f"{d['resolution'] or 'open'} | {(d['comment'] or '').replace('|', '/')} |"
        lines.append(row)
    if settled:
        lines += ["", "## Settled earlier, facts unchanged", ""]
        for d in settled:
            lines.append(
                f"- {d['id']}: {d['kind']} {d['ours'] or '—'} ↔ {d['theirs'] or '—'}: "
                f"{d['resolution']} (settled in meeting {(d['memory'] or {}).get('ref', '?')})"
            )
    lines += ["", "## Sources", ""]
    for d in discs:
        lines.append(f"- {d['id']}: {_who(d)}")
    lines += weekly_sections(conn, m.id)  # issue 21: this week against last week
    return "\n".join(lines) + "\n"


def result_markdown(res: Result, title: str) -> str:
    """Minutes-style report of a stateless reconciliation (`liaison reconcile --minutes`)."""
    s = res.summary
    lines = [
        f"# {title}",
        "",
        f"- Pictures: {res.ours_partner} and {res.theirs_partner}",
        f"- Matched units: {s['matched']}; discrepancies: {s['discrepancies']}",
        "",
    ]
    lines += ["| kind | count |", "|---|---|"] + [
        f"| {k} | {n} |" for k, n in s["by_kind"].items() if n
    ]
    lines += ["", "| kind | severity | units | detail |", "|---|---|---|---|"]
    for d in res.discrepancies:
        dd = d.to_dict()
        lines.append(
            f"| {d.kind} | {d.severity} | {d.ours or '—'} ↔ {d.theirs or '—'} | {_detail(dd)} |"
        )
    if res.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in res.warnings]
    return "\n".join(lines) + "\n"


def _font_runs(text: str) -> str:
    """ReportLab markup with one font per script run: DejaVu Sans (matplotlib's package data) for
    Latin and Cyrillic, the shipped Noto Sans JP for Japanese — both embedded in the PDF."""
    out: list[str] = []
    cur: str | None = None
    for ch in text:
        cjk = "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
        font = "NotoSansJP" if cjk else "DejaVuSans"
        if font != cur:
            if cur:
                out.append("</font>")
            out.append(f'<font name="{font}">')
            cur = font
        out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(ch, ch))
    if cur:
        out.append("</font>")
    return "".join(out)


def _register_fonts() -> None:
    from importlib import resources
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(
            TTFont("DejaVuSans", str(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"))
        )
    if "NotoSansJP" not in pdfmetrics.getRegisteredFontNames():
        jp = resources.files("liaison") / "data" / "fonts" / "NotoSansJP-VF.ttf"
        pdfmetrics.registerFont(TTFont("NotoSansJP", str(jp)))


def minutes_pdf(markdown: str, path: str, map_png: str | None = None) -> None:
    """The minutes as a PDF (Markdown headings, lists and tables), with the static map when given."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = body.clone("small", fontSize=7.5, leading=9)
    doc = SimpleDocTemplate(
        path,
        pagesize=landscape(A4),
        title="Liaison meeting minutes",
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
    )
    story: list[Any] = []
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        rows = [[Paragraph(_font_runs(c), small) for c in r] for r in table]
        t = Table(rows, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(t)
        story.append(Spacer(1, 6))
        table.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            if not line.startswith("|---"):
                table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush()
        if line.startswith("![") and "](data:image/svg" in line:
            continue  # the chart is for the Markdown and web minutes; its table carries the figures
        if line.startswith("# "):
            story.append(Paragraph(_font_runs(line[2:]), styles["Title"]))
            if map_png:
                story.append(Image(map_png, width=24 * cm, height=13.5 * cm))
        elif line.startswith("## "):
            story.append(Paragraph(_font_runs(line[3:]), styles["Heading2"]))
        elif line.strip():
            story.append(Paragraph(_font_runs(line), body))
    flush()
    doc.build(story)
