"""Pouches in the browser: the outbox (seal what policy releases to a partner, download the file)
and the inbox (upload a pouch, open it, see what was added or why it was refused).

Thin over `courier.pouch.seal` and `courier.pouch.open_file`, the calls `liaison pouch seal/open`
make; both audit (a refusal too, with its reason). The server unlocks our key as the CLI does in
a script (`courier.serverkeys`). Pouches are the home partner's business: other partners' users
get 404; home analysts and admins seal and open, viewers see the page only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from liaison.core.errors import LiaisonError
from liaison.core.markings import highest
from liaison.courier.envelope import DEFAULT_MAX_BYTES
from liaison.courier.pouch import PouchRejected, ledger, open_file, seal
from liaison.courier.serverkeys import own_keyring
from liaison.orbat.partners import list_partners
from liaison.store.engine import Store
from liaison.web import auth
from liaison.web.deps import db, get_store, page_user, render
from liaison.web.scope import home_partner, is_home_user

router = APIRouter()
DB = Depends(db, scope="function")
CODE = r"^[A-Za-z0-9_-]{1,16}$"


def may(conn: Connection, user: auth.User, action: str) -> bool:
    """'read' for any home user, 'seal'/'open' for home analysts and admins; one function so a
    central authorization module can replace it."""
    if not is_home_user(conn, user):
        return False
    return action == "read" or user.role in ("admin", "analyst")


def _check(conn: Connection, user: auth.User, action: str) -> None:
    if not may(conn, user, "read"):
        raise HTTPException(404, "not found")
    if not may(conn, user, action):
        raise HTTPException(403, "not allowed for this role")


def _page(request: Request, conn: Connection, user: auth.User, **extra: Any) -> Response:
    rows = ledger(conn)
    ctx = {
        "partners": [p.code for p in list_partners(conn) if not p.is_self],
        "ledger": rows,
        "page_marking": highest(r["ceiling"] for r in rows if r["ceiling"]),
        "can_write": may(conn, user, "seal"),
        "max_mb": DEFAULT_MAX_BYTES // (1024 * 1024),
        "error": None,
        "opened": None,
        "refused": None,
        **extra,
    }
    status = 422 if ctx["error"] or ctx["refused"] else 200
    return render(request, "pouches.html", ctx, status_code=status)


@router.get("/pouches", include_in_schema=False)
def pouches_page(
    request: Request, user: auth.User = Depends(page_user), conn: Connection = DB
) -> Response:
    _check(conn, user, "read")
    return _page(request, conn, user)


@router.post("/pouches/seal", include_in_schema=False)
def pouch_seal(
    request: Request,
    to: str = Form(..., pattern=CODE),
    since: str = Form("last", pattern="^(last|all)$"),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    """Seal for `to` and send the file back as a download (kept in the outbox, audited)."""
    _check(conn, user, "seal")
    me = home_partner(conn) or ""
    try:
        kp = own_keyring(me)[0]
        with conn.begin_nested():
            data, m = seal(conn, kp, to.upper(), since=since, actor=user.username)
    except LiaisonError as exc:
        return _page(request, conn, user, error=str(exc))
    name = f"{m['from'].lower()}-to-{m['to'].lower()}-{m['seq']}.pouch"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Liaison-Units": str(m["units"]),
        },
    )


@router.post("/pouches/open", include_in_schema=False)
async def pouch_open(
    request: Request,
    file: UploadFile = File(...),
    user: auth.User = Depends(page_user),
    store: Store = Depends(get_store),
) -> Response:
    """Verify, decrypt, check the sequence and import — all or nothing; a refusal is shown."""
    with store.connect() as conn:
        _check(conn, user, "open")
        me = home_partner(conn) or ""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > DEFAULT_MAX_BYTES + 64 * 1024:
        raise HTTPException(413, f"file too large: the limit is {DEFAULT_MAX_BYTES:,} bytes")
    data = await file.read(DEFAULT_MAX_BYTES + 1)
    extra: dict[str, Any] = {}
    if len(data) > DEFAULT_MAX_BYTES:
        raise HTTPException(413, f"file too large: the limit is {DEFAULT_MAX_BYTES:,} bytes")
    try:
        ring = own_keyring(me)
        out = open_file(store, ring, data, actor=user.username)
        out.pop("ack", None)
        extra["opened"] = out
    except PouchRejected as exc:
        extra["refused"] = {"reason": exc.reason, "message": str(exc)}
    except LiaisonError as exc:
        extra["error"] = str(exc)
    with store.connect() as conn:
        return _page(request, conn, user, **extra)
