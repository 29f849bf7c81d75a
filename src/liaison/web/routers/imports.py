"""Import a unit file (CSV/XLSX/GeoJSON/KML) from the browser: preview first, then commit — all or nothing.

The preview runs the real importer (`liaison.orbat.importer.import_file`) inside a transaction that
is always rolled back, so what it reports (rows, new units, changed units, every problem with its line
and column) is exactly what a commit would do, and nothing is written. Analysts and admins import
for their own partner; the home partner's analysts may import any partner's file. Every import is
marked as the user chose on the page (TLP and REL TO); without a choice, the partner's own setting
(`liaison.orbat.defaults.default_marking`), never a blanket TLP:AMBER a policy would release.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError, ValidationError
from liaison.core.markings import TLP_LEVELS, Marking, parse_marking
from liaison.core.permissions import Resource, allowed
from liaison.orbat.defaults import default_marking
from liaison.orbat.importer import ImportReport, import_file
from liaison.store.engine import Store
from liaison.web import auth
from liaison.web.deps import get_store, may, permit, render
from liaison.web.scope import actor, check_partner, visible_partners

router = APIRouter()

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".geojson", ".kml")
_PROBLEM = re.compile(
    r"^(?P<file>.*?), (?:line|feature) (?P<line>\d+)(?:, (?:column|field) (?P<col>[^:]+))?: (?P<msg>.*)$",
    re.S,
)


def problem(text: str) -> dict[str, Any]:
    """'units.csv, line 3, column lat: …' → {line: 3, column: 'lat', message: '…'}; a problem of
    a whole line ('units.csv, line 3: …') has column None."""
    m = _PROBLEM.match(text)
    if m is None:
        return {"line": None, "column": None, "message": text}
    return {"line": int(m["line"]), "column": m["col"], "message": m["msg"]}


def _errors(exc: LiaisonError) -> list[dict[str, Any]]:
    probs = exc.problems if isinstance(exc, ValidationError) and exc.problems else [str(exc)]
    return [problem(p) for p in probs]


async def _upload(request: Request, file: UploadFile) -> tuple[str, bytes]:
    """The file's safe base name and bytes; 413 past the size limit, 422 for other suffixes."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BYTES + 64 * 1024:
        raise HTTPException(413, f"file too large: the limit is {MAX_BYTES // (1024 * 1024)} MB")
    name = Path((file.filename or "").replace("\\", "/")).name
    if not name.lower().endswith(SUFFIXES):
        raise HTTPException(422, "upload a .csv, .xlsx, .geojson or .kml unit file")
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413, f"file too large: the limit is {MAX_BYTES // (1024 * 1024)} MB")
    if not data:
        raise HTTPException(422, "the file is empty")
    if "\x00" in name or (b"\x00" in data and name.lower().endswith(".csv")):
        raise HTTPException(422, "the file contains NUL characters: not a text unit file")
    return name, data


def _target(conn: Connection, user: auth.User, partner: str) -> str:
    code = check_partner(conn, user, partner)
    if not allowed(actor(conn, user), "picture.import", Resource(partner=code)):
        raise HTTPException(403, "you may import only your own partner's picture")
    return code


def _marking(tlp: str | None, rel_to: str, orcon: bool) -> Marking | None:
    """The marking chosen on the page; None when the request names no TLP (use the default)."""
    if tlp is None or not tlp.strip():
        return None
    text = f"TLP:{tlp.strip()}" + (f" REL TO {rel_to}" if rel_to.strip() else "")
    try:
        mk = parse_marking(text)
    except ValueError as exc:
        raise HTTPException(422, f"marking: {exc}") from None
    return Marking(mk.tlp, mk.rel_to, orcon)


def _summary(rep: ImportReport) -> dict[str, Any]:
    return {
        "partner": rep.partner,
        "file": rep.file,
        "rows": rep.rows,
        "new": rep.units_new,
        "changed": rep.observations_new - rep.units_new,
        "unchanged": rep.unchanged,
        "unplaced": rep.unplaced,
    }


def _run(
    store: Store,
    user: auth.User,
    partner: str,
    name: str,
    data: bytes,
    allow_unplaced: bool,
    marking: Marking | None,
    *,
    commit: bool,
) -> tuple[int, dict[str, Any]]:
    """Run the importer in its own transaction; committed only when asked and nothing was wrong."""
    with store.connect(write=True) as conn:  # a writer (the preview writes, then rolls back)
        tx = conn.begin()
        try:
            code = _target(conn, user, partner)
            mk = marking or default_marking(conn, code)
            try:
                rep = import_file(
                    conn,
                    name,
                    code,
                    data=data,
                    allow_unplaced=allow_unplaced,
                    marking=mk,
                    actor=user.username,
                )
            except LiaisonError as exc:
                tx.rollback()
                msg = getattr(exc, "summary", str(exc))
                body = {"ok": False, "partner": code, "file": name, "detail": msg}
                return 422 if commit else 200, {**body, "errors": _errors(exc)}
            if commit:
                tx.commit()
            else:
                tx.rollback()
        except BaseException:
            if tx.is_active:
                tx.rollback()
            raise
    summary = {**_summary(rep), "marking": mk.to_text()}
    return 200, {"ok": True, "committed": commit, **summary, "errors": []}


@router.post("/api/v1/imports/preview", tags=["imports"])
async def preview(
    request: Request,
    partner: str = Form(..., max_length=16),
    file: UploadFile = File(...),
    allow_unplaced: bool = Form(False),
    tlp: str | None = Form(None, max_length=20, description="TLP; default: the partner's own"),
    rel_to: str = Form("", max_length=200, description="REL TO partner codes, comma separated"),
    orcon: bool = Form(False),
    user: auth.User = Depends(permit("picture.import")),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Validate a unit file with the real importer and roll back: counts and every row error."""
    name, data = await _upload(request, file)
    mk = _marking(tlp, rel_to, orcon)
    _, body = _run(store, user, partner, name, data, allow_unplaced, mk, commit=False)
    return body


@router.post("/api/v1/imports", tags=["imports"])
async def commit_import(
    request: Request,
    partner: str = Form(..., max_length=16),
    file: UploadFile = File(...),
    allow_unplaced: bool = Form(False),
    tlp: str | None = Form(None, max_length=20, description="TLP; default: the partner's own"),
    rel_to: str = Form("", max_length=200, description="REL TO partner codes, comma separated"),
    orcon: bool = Form(False),
    user: auth.User = Depends(permit("picture.import")),
    store: Store = Depends(get_store),
) -> Response:
    """Import all rows or none; the importer writes the audit entry (`orbat.import`)."""
    name, data = await _upload(request, file)
    mk = _marking(tlp, rel_to, orcon)
    status, body = _run(store, user, partner, name, data, allow_unplaced, mk, commit=True)
    return JSONResponse(body, status_code=status)


@router.get("/import", include_in_schema=False)
def import_page(
    request: Request, user: auth.User = Depends(permit("picture.read", page=True))
) -> Response:
    store: Store = request.app.state.store
    with store.connect() as conn:
        who = actor(conn, user)
        partners = [
            p
            for p in visible_partners(conn, user)
            if allowed(who, "picture.import", Resource(partner=p))
        ] or [user.partner]
        defaults = {p: default_marking(conn, p) for p in partners}
    ctx = {
        "partners": partners,
        "tlp_levels": TLP_LEVELS,
        "markings": {
            p: {"tlp": m.tlp, "rel_to": ",".join(m.rel_to), "orcon": m.orcon}
            for p, m in defaults.items()
        },
        "may_import": may(request, "picture.import"),
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "import.html", ctx)
