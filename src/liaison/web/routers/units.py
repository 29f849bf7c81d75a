"""Search and the unit page: one box across scripts, and everything known about one unit.

Thin over the library: `orbat.search.search` over the pictures `web.scope` lets the user see, a
unit's history through `scope.history_for`, and — for the home partner's users, who hold the
meetings — `reconcile.dossier` (discrepancies, counterparts) and the reports that name the unit.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from liaison.core.markings import highest
from liaison.orbat.search import MAX_QUERY, search
from liaison.web import auth
from liaison.web.cache import cached_response
from liaison.web.deps import db, in_transaction, permit, render
from liaison.web.scope import (
    check_partner,
    history_for,
    is_home_user,
    picture_for,
    visible_partners,
)

router = APIRouter()


def _search(conn: Connection, user: auth.User, q: str) -> list[dict[str, Any]]:
    pics = [picture_for(conn, user, code) for code in visible_partners(conn, user)]
    return [asdict(h) for h in search(pics, q)]


def _dossier(conn: Connection, user: auth.User, partner: str, unit_id: str) -> dict[str, Any]:
    code = check_partner(conn, user, partner)
    if "\x00" in unit_id:
        raise HTTPException(404, "no such unit")
    pic = picture_for(conn, user, code)
    u = pic.units.get(unit_id)
    if u is None:
        raise HTTPException(404, f"no unit {unit_id!r} for you")
    history = history_for(conn, user, code, unit_id)
    sources: dict[str, dict[str, Any]] = {}
    for h in history:
        if h.get("source"):
            s = sources.setdefault(h["source"], {"source": h["source"], "observations": 0})
            s["observations"] += 1
            s["grading"] = f"{h.get('reliability') or '?'}{h.get('credibility') or '?'}"
    parent = pic.units.get(u.parent_id) if u.parent_id else None
    children = sorted(
        (c for c in pic.units.values() if c.parent_id == unit_id), key=lambda c: c.designation
    )
    out: dict[str, Any] = {
        "partner": code,
        "unit": {
            "unit_id": u.unit_id,
            "designation": u.designation,
            "echelon": u.echelon,
            "branch": u.branch,
            "place": u.place,
            "lat": u.lat,
            "lon": u.lon,
            "observed_at": u.observed_at,
            "strength": u.strength,
            "equipment": u.equipment,
            "marking": u.marking.to_text(),
            "tlp": u.marking.tlp,
            "rel_to": list(u.marking.rel_to),
            "orcon": u.marking.orcon,
        },
        "parent": {"unit_id": parent.unit_id, "designation": parent.designation}
        if parent
        else None,
        "children": [{"unit_id": c.unit_id, "designation": c.designation} for c in children],
        "history": history,
        "sources": list(sources.values()),
        "discrepancies": [],
        "counterparts": [],
        "reports": [],
    }
    if is_home_user(conn, user):
        from liaison.courier.kinds.reports import list_reports
        from liaison.orbat.picture import get_picture
        from liaison.reconcile.dossier import discrepancies_of, links_of

        out["discrepancies"] = discrepancies_of(conn, code, unit_id)
        links = links_of(conn, code, unit_id)
        # designations of the other side's units only (a picture read limited to them, not the
        # partner's whole picture: the unit page stays fast beside a 3,000-unit picture)
        wanted: dict[str, set[str]] = {}
        for link in links:
            wanted.setdefault(link["partner"], set()).add(link["unit_id"])
        for d in out["discrepancies"]:
            if d["other_unit"]:
                wanted.setdefault(d["other_partner"], set()).add(d["other_unit"])
        names = {
            p: {k: v.designation for k, v in get_picture(conn, p, only=ids).units.items()}
            for p, ids in wanted.items()
        }
        for link in links:
            link["designation"] = names[link["partner"]].get(link["unit_id"], link["unit_id"])
            out["counterparts"].append(link)
        for d in out["discrepancies"]:
            other = names.get(d["other_partner"])
            d["other_designation"] = (other or {}).get(d["other_unit"] or "", d["other_unit"])
        needle = u.designation.casefold()
        out["reports"] = [
            {k: r[k] for k in ("partner", "report_id", "title", "written_at", "marking")}
            for r in list_reports(conn)
            if needle in r["title"].casefold() or needle in r["body"].casefold()
        ]
    return out


@router.get(
    "/api/v1/search",
    tags=["pictures"],
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "query and hits"}},
)
async def search_api(
    request: Request,
    q: str = Query(..., min_length=1, max_length=MAX_QUERY),
    user: auth.User = Depends(permit("picture.read")),
) -> Response:
    """Units in every picture the user may open, matched across scripts and transliterations.

    Cached per (the versions of every picture the user sees, query) like the map data: a search
    reads every visible picture; the versions are remembered per store version."""
    from liaison.web.routers.pictures import _version

    def work(conn: Connection) -> Response:
        codes = visible_partners(conn, user)
        key = (tuple(_version(conn, user, c) for c in codes), " ".join(q.casefold().split()))

        def build() -> bytes:
            return orjson.dumps({"query": q, "hits": _search(conn, user, q)})

        # not compressed: the query is echoed beside the hits (see `cached_response`)
        return cached_response(request, "search", key, build, "application/json", compress=False)

    return await in_transaction(request, work)


@router.get(
    "/api/v1/units/{partner}/{unit_id}",
    tags=["pictures"],
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "the unit's dossier"}},
)
async def unit_api(
    request: Request,
    partner: str,
    unit_id: str,
    user: auth.User = Depends(permit("picture.read")),
) -> Response:
    """Everything the user may know about one unit: facts, history, sources, discrepancies,
    counterparts in other pictures, reports naming it.

    Cached per (the newest audit entry — every write is audited —, the unit's picture version,
    the user, the unit): the dossier reads several pictures, meetings and reports; the key reads
    a few rows, or none when this request's store version came with its caller."""
    from liaison.store.audit import latest_seq
    from liaison.web.memo import current_seq
    from liaison.web.routers.pictures import _version

    def work(conn: Connection) -> Response:
        code = check_partner(conn, user, partner)
        who = (user.username, user.partner, is_home_user(conn, user))  # compartments: per user
        seq = current_seq()  # the request's store version, read with its caller
        key = (latest_seq(conn) if seq is None else seq, _version(conn, user, code), who, unit_id)

        def build() -> bytes:
            return orjson.dumps(_dossier(conn, user, code, unit_id))

        return cached_response(request, "unit", key, build, "application/json")

    return await in_transaction(request, work)


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request,
    q: str = Query("", max_length=MAX_QUERY),
    user: auth.User = Depends(permit("picture.read", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    hits = _search(conn, user, q) if q.strip() else []
    return render(request, "search.html", {"q": q, "hits": hits, "page_marking": highest(hits)})


@router.get("/units/{partner}/{unit_id}", include_in_schema=False)
def unit_page(
    request: Request,
    partner: str,
    unit_id: str,
    user: auth.User = Depends(permit("picture.read", page=True)),
    conn: Connection = Depends(db, scope="function"),
) -> Response:
    d = _dossier(conn, user, partner, unit_id)
    on_page = [d["unit"], *(h["marking"] for h in d["history"] if h.get("marking"))]
    on_page += [r["marking"] for r in d["reports"] if r.get("marking")]
    return render(request, "unit.html", {"d": d, "page_marking": highest(on_page)})
