"""Intercepts in the browser: the list, adding one, one intercept with its groups and solutions,
and solving it (the solver within a bounded budget, or an analyst's key/plaintext).

Thin over `liaison.codebreak.intercepts` (`add`, `list_intercepts`, `get`, `solve`,
`record_solution`), the calls `liaison intercepts add/list/show/solve` make; the library validates
and audits every write. The solver runs outside any transaction (as in the CLI), so the solve
route takes the store, not a request transaction. Intercepts are the home partner's business:
other partners' users get 404; home viewers read; home analysts and admins add and solve.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Connection

from liaison.codebreak import DEFAULT_BUDGET, intercepts
from liaison.core.errors import LiaisonError
from liaison.core.markings import highest
from liaison.store.engine import Store
from liaison.web import auth
from liaison.web.deps import db, get_store, page_user, render
from liaison.web.scope import is_home_user

router = APIRouter()
DB = Depends(db, scope="function")
REF = r"^[A-Za-z0-9_./:-]{1,100}$"
CODE = r"^[A-Za-z0-9_-]{1,16}$"
NO_NUL = r"^[^\x00]*$"
MAX_BUDGET = 30.0  # a browser request should not hold a worker longer than this
LANGS = ("", "ru", "pl", "de", "en")


def may(conn: Connection, user: auth.User, action: str) -> bool:
    """'read' for any home user, 'add'/'solve' for home analysts and admins; one function so a
    central authorization module can replace it."""
    if not is_home_user(conn, user):
        return False
    return action == "read" or user.role in ("admin", "analyst")


def _check(conn: Connection, user: auth.User, action: str) -> None:
    if not may(conn, user, "read"):
        raise HTTPException(404, "not found")
    if not may(conn, user, action):
        raise HTTPException(403, "not allowed for this role")


def _to(path: str, error: str | None = None, done: str | None = None) -> RedirectResponse:
    sep = "&" if "?" in path else "?"
    q = f"{sep}error={quote(error)}" if error else f"{sep}done={quote(done)}" if done else ""
    return RedirectResponse(path + q, status_code=303)


def _one_url(ref: str) -> str:
    return f"/intercepts/one?ref={quote(ref, safe='')}"


@router.get("/intercepts", include_in_schema=False)
def intercepts_page(
    request: Request,
    solved: bool | None = None,
    error: str | None = Query(None, max_length=2000),
    done: str | None = Query(None, max_length=200),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    _check(conn, user, "read")
    items = intercepts.list_intercepts(conn, solved=solved, limit=500)
    ctx = {
        "items": items,
        "page_marking": highest(items),
        "solved": solved,
        "can_write": may(conn, user, "add"),
        "langs": LANGS,
        "error": error,
        "done": done,
    }
    return render(request, "intercepts.html", ctx)


@router.post("/intercepts", include_in_schema=False)
def intercept_add(
    ciphertext: str = Form(..., max_length=200_000, pattern=NO_NUL),
    partner: str = Form(..., pattern=CODE),
    language: str = Form("", max_length=4),
    cipher_hint: str = Form("", max_length=40, pattern=NO_NUL),
    station: str = Form("", max_length=200, pattern=NO_NUL),
    callsign: str = Form("", max_length=40, pattern=NO_NUL),
    marking: str = Form("TLP:AMBER", max_length=200, pattern=NO_NUL),
    notes: str = Form("", max_length=10_000, pattern=NO_NUL),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    _check(conn, user, "add")
    try:
        with conn.begin_nested():  # a refused intercept leaves nothing behind
            it = intercepts.add(
                conn,
                ciphertext,
                partner,
                language=language or None,
                cipher_hint=cipher_hint or None,
                station=station or None,
                callsign=callsign or None,
                marking=marking or None,
                notes=notes or None,
                actor=user.username,
            )
    except LiaisonError as exc:
        problems = getattr(exc, "problems", None) or []
        return _to("/intercepts", error="; ".join([str(exc), *problems]))
    return _to(_one_url(it.ref), done=f"stored intercept {it.ref}")


@router.get("/intercepts/one", include_in_schema=False)
def intercept_page(
    request: Request,
    ref: str = Query(..., pattern=REF),
    error: str | None = Query(None, max_length=2000),
    done: str | None = Query(None, max_length=200),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    _check(conn, user, "read")
    it = intercepts.get(conn, ref)
    ctx = {
        "it": it,
        "page_marking": highest([it]),
        "grouped": intercepts.groups(it.ciphertext),
        "can_write": may(conn, user, "solve") and it.retracted_at is None,
        "langs": LANGS,
        "budget": DEFAULT_BUDGET,
        "max_budget": MAX_BUDGET,
        "error": error,
        "done": done,
    }
    return render(request, "intercept.html", ctx)


@router.post("/intercepts/solve", include_in_schema=False)
def intercept_solve(
    ref: str = Form(..., pattern=REF),
    budget: float = Form(DEFAULT_BUDGET, gt=0, le=MAX_BUDGET),
    language: str = Form("", max_length=4),
    cipher: str = Form("", max_length=40, pattern=NO_NUL),
    user: auth.User = Depends(page_user),
    store: Store = Depends(get_store),
) -> Response:
    """Run the solver (as `liaison intercepts solve`); store its answer above 0.2 confidence."""
    with store.connect() as conn:
        _check(conn, user, "solve")
    try:
        it, sol = intercepts.solve(
            store,
            ref,
            budget,
            language or None,
            cipher or None,
            min_confidence=0.2,
            actor=user.username,
        )
    except LiaisonError as exc:
        return _to(_one_url(ref), error=str(exc))
    if sol is None:
        return _to(_one_url(it.ref), error="no solution above confidence 0.2; nothing stored")
    return _to(_one_url(it.ref), done=f"solved: {sol.cipher}, confidence {sol.confidence:.2f}")


@router.post("/intercepts/manual", include_in_schema=False)
def intercept_manual(
    ref: str = Form(..., pattern=REF),
    cipher: str = Form(..., min_length=1, max_length=40, pattern=NO_NUL),
    key: str = Form("", max_length=2000, pattern=NO_NUL),
    plaintext: str = Form("", max_length=200_000, pattern=NO_NUL),
    language: str = Form("", max_length=4),
    user: auth.User = Depends(page_user),
    conn: Connection = DB,
) -> Response:
    """An analyst's own key and/or plaintext, recorded under their name (library checks it)."""
    _check(conn, user, "solve")
    try:
        with conn.begin_nested():
            intercepts.record_solution(
                conn, ref, user.username, cipher, key or None, plaintext or None, language or None
            )
    except LiaisonError as exc:
        return _to(_one_url(ref), error=str(exc))
    return _to(_one_url(ref), done="solution recorded")
