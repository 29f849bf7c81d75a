"""Import a unit file (CSV/XLSX/GeoJSON/KML) from the browser: preview first, then commit — all or nothing.

The preview runs the real importer (`liaison.orbat.importer.import_file`) inside a transaction that
is always rolled back, so what it reports (rows, new units, changed units, every problem with its line
and column) is exactly what a commit would do, and nothing is written. Analysts and admins import
for their own partner; the home partner's analysts may import any partner's file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError, ValidationError
from liaison.orbat.importer import ImportReport, import_file
from liaison.store.engine import Store
from liaison.web import auth
from liaison.web.deps import get_store, page_user, render, writer
from liaison.web.scope import check_partner, is_home_user, visible_partners

router = APIRouter()

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".geojson", ".kml")
_PROBLEM = re.compile(
    r"^(?P<file>.*?), (?:line|feature) (?P<line>\d+), (?:column|field) (?P<col>[^:]+): (?P<msg>.*)$",
    re.S,
)


def problem(text: str) -> dict[str, Any]:
    """'units.csv, line 3, column lat: …' → {line: 3, column: 'lat', message: '…'}."""
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
    if code != user.partner and not is_home_user(conn, user):
        raise HTTPException(403, "you may import only your own partner's picture")
    return code


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
    *,
    commit: bool,
) -> tuple[int, dict[str, Any]]:
    """Run the importer in its own transaction; committed only when asked and nothing was wrong."""
    with store.connect() as conn:
        tx = conn.begin()
        try:
            code = _target(conn, user, partner)
            try:
                rep = import_file(
                    conn, name, code, data=data, allow_unplaced=allow_unplaced, actor=user.username
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
    return 200, {"ok": True, "committed": commit, **_summary(rep), "errors": []}


@router.post("/api/v1/imports/preview", tags=["imports"])
async def preview(
    request: Request,
    partner: str = Form(..., max_length=16),
    file: UploadFile = File(...),
    allow_unplaced: bool = Form(False),
    user: auth.User = Depends(writer),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Validate a unit file with the real importer and roll back: counts and every row error."""
    name, data = await _upload(request, file)
    _, body = _run(store, user, partner, name, data, allow_unplaced, commit=False)
    return body


@router.post("/api/v1/imports", tags=["imports"])
async def commit_import(
    request: Request,
    partner: str = Form(..., max_length=16),
    file: UploadFile = File(...),
    allow_unplaced: bool = Form(False),
    user: auth.User = Depends(writer),
    store: Store = Depends(get_store),
) -> Response:
    """Import all rows or none; the importer writes the audit entry (`orbat.import`)."""
    name, data = await _upload(request, file)
    status, body = _run(store, user, partner, name, data, allow_unplaced, commit=True)
    return JSONResponse(body, status_code=status)


@router.get("/import", include_in_schema=False)
def import_page(request: Request, user: auth.User = Depends(page_user)) -> Response:
    store: Store = request.app.state.store
    with store.connect() as conn:
        home = is_home_user(conn, user)
        partners = visible_partners(conn, user) if home else [user.partner]
    ctx = {
        "partners": partners,
        "may_import": user.role in ("admin", "analyst"),
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "import.html", ctx)
