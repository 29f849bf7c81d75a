"""Transit documents: issue (singly or in batch) with a block number and a QR seal, print to PDF.

Fonts come with dependencies or the package: DejaVu Sans from matplotlib (Latin, Polish,
Cyrillic, Hebrew) and Noto Sans JP (OFL, shipped in liaison/data/fonts) for Japanese. Hebrew
and Yiddish lines are put in visual order by `liaison.evac.bidi` (UAX #9 for one line, written
here because the bidi libraries on PyPI are LGPL or GPL) and right-to-left lines set flush right.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import segno

from liaison.evac import bidi
from liaison.evac import seal as sealmod
from liaison.evac.numbers import Block
from liaison.evac.registry import Person


@dataclass
class Document:
    number: str
    person_id: str
    qr: str
    payload: dict


def issue(
    persons: list[Person],
    issuer: sealmod.Issuer,
    block: Block,
    route: list[str],
    valid_from: date,
    valid_until: date,
    *,
    kind: str = "transit",
    destination: str = "",
    rests_on: dict[str, tuple[str, str]] | None = None,
    members: dict[str, list[Person]] | None = None,
) -> list[Document]:
    """Number and seal one document per person (batch = a list). `rests_on` gives a person's
    destination document (number, issuer key id), sealed into a transit document; `members`
    the family members a family document covers besides its holder (each in the seal)."""
    docs = []
    for p in persons:
        no = block.take()
        payload = sealmod.make_payload(
            no,
            p.surname,
            p.given_names,
            p.surname_icao,
            p.given_names_icao,
            p.birth_date,
            route,
            valid_from,
            valid_until,
        )
        if kind != "transit":
            payload["k"] = sealmod.KINDS[kind]
        if destination:
            payload["dst"] = destination
        if rests_on and p.person_id in rests_on:
            payload["dd"], payload["ddi"] = rests_on[p.person_id]
        if members is not None:
            payload["mem"] = [
                [m.surname, m.given_names, m.birth_date.isoformat()]
                for m in members.get(p.person_id, [])
            ]
        docs.append(Document(no, p.person_id, sealmod.seal(issuer, payload), payload))
    return docs


def visual_order(text: str) -> str:
    """The line in drawing order (Hebrew and Yiddish right to left): see `liaison.evac.bidi`."""
    return bidi.visual(text)


_FONTS: dict[str, str] = {}


def _fonts() -> dict[str, str]:
    if _FONTS:
        return _FONTS
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont("EvacSans", str(dejavu)))
    jp = resources.files("liaison.data") / "fonts" / "NotoSansJP-VF.ttf"
    with resources.as_file(jp) as path:
        pdfmetrics.registerFont(TTFont("EvacJP", str(path)))
    _FONTS.update(latin="EvacSans", jp="EvacJP")
    return _FONTS


def _font_for(text: str) -> str:
    f = _fonts()
    if any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text):
        return f["jp"]
    return f["latin"]


def _draw(c, doc: Document, issuer_name: str) -> None:  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm

    w, h = A6
    p = doc.payload
    title = {"d": "Destination visa", "f": "Family transit document"}.get(
        p.get("k", ""), "Transit document"
    )
    lines = [
        (f"{title} {p['no']}", 11),
        (issuer_name, 8),
        (f"{p['sn']}, {p['gn']}", 12),
        (f"{p['sn_icao']} <<{p['gn_icao']}", 9),
        (f"Born {p['dob']}", 9),
        (" → ".join(p["route"]), 8),
        (f"Valid {p['nbf']} to {p['exp']}", 9),
    ]
    if p.get("dst"):
        lines.append((f"Destination: {p['dst']}", 8))
    if p.get("dd"):
        lines.append((f"Rests on {p['dd']} ({p.get('ddi', '')})", 8))
    mem = p.get("mem") or []
    for m in mem[:6]:  # room above the QR code for six; all of them are in the seal
        lines.append((f"+ {m[0]}, {m[1]} ({m[2]})", 7))
    if len(mem) > 6:
        lines.append((f"+ {len(mem) - 6} more (in the seal)", 7))
    y = h - 12 * mm
    for text, size in lines:
        shown = visual_order(text)
        c.setFont(_font_for(shown), size)
        if bidi.base_level(text):  # a right-to-left line is set flush right
            c.drawRightString(w - 8 * mm, y, shown)
        else:
            c.drawString(8 * mm, y, shown)
        y -= size + 5
    # The QR as vector squares in module units (one fill; runs merged): sharp and cheap.
    matrix = qr_matrix(doc.qr)
    n = len(matrix)
    side = 60 * mm
    cell = side / (n + 4)
    ops = _runs(matrix)
    c.saveState()
    c.translate((w - side) / 2 + 2 * cell, 8 * mm + 2 * cell)
    c.scale(cell, cell)
    c._code.append(ops + "\nf")  # raw path operators: reportlab's public path API
    c.restoreState()  # formats every float separately, which dominated the page time
    c.showPage()


def _runs(matrix: Any) -> str:
    """PDF `re` operators for the dark runs of each row (bottom row = y 0), found with numpy."""
    import numpy as np

    m = np.asarray(matrix, dtype=np.int8)
    n = m.shape[0]
    edges = np.diff(np.pad(m, ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # same row order: row-major, one end per start
    ys = n - 1 - rows
    return "\n".join(
        f"{a} {y} {b - a} 1 re"
        for a, y, b in zip(starts.tolist(), ys.tolist(), ends.tolist(), strict=True)
    )


def qr_matrix(text: str) -> Any:
    """The QR code's modules (an array or rows of booleans, True = dark), error correction M. zxing-cpp's encoder (C++,
    already a dependency for reading photos) is about 7 times faster than segno's pure Python,
    which matters for family documents, whose seals carry every member; segno is the fallback
    (a fixed mask skips its mask scoring, the costliest step; any mask is valid for decoders)."""
    try:
        import numpy as np
        import zxingcpp

        img = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        return np.asarray(img.to_image(scale=1, add_quiet_zones=False)) < 128
    except (ImportError, AttributeError):  # an older zxing-cpp without create_barcode
        return [[bool(x) for x in row] for row in segno.make(text, error="m", mask=2).matrix]


def render_pdf(doc: Document, issuer_name: str, out: Path | None = None) -> bytes:
    """One A6 page: names (native script and ICAO), birth date, route, validity, QR seal."""
    return render_batch([doc], issuer_name, out)


def render_batch(docs: list[Document], issuer_name: str, out: Path | None = None) -> bytes:
    """Many documents as pages of one PDF: fonts are embedded once, so a batch prints fast."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    # Binary (compressed) page streams instead of ASCII85: without reportlab's optional C
    # accelerator, ASCII85 in pure Python took a third of a batch's time. Restored afterwards.
    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        c = canvas.Canvas(buf, pagesize=A6)
        for d in docs:
            _draw(c, d, issuer_name)
        c.save()
    finally:
        rl_config.useA85 = a85
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


def qr_png(text: str, scale: int = 4) -> bytes:
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=scale, border=4)
    return png.getvalue()


def decode_image(path_or_bytes: Path | bytes) -> str:
    """Read the QR text from a photo or scan (zxing-cpp); ValueError if none is found."""
    import zxingcpp
    from PIL import Image

    img = Image.open(
        io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    )
    found = zxingcpp.read_barcodes(img)
    if not found:
        raise ValueError("no QR code found in the image")
    return found[0].text
