"""Open-source review over the web: the candidate queue, each candidate beside its documents (the
mentions highlighted) and the unit's current facts; accept, edit, reject, keyboard driven.

Thin over liaison.osint.review / archive. Scoping: the home partner's users see every partner's
open-source material; a partner's liaison officer with an account here sees only material
compiled into that partner's own picture, and anything else is 404 (its existence is not
revealed). Viewers read; analysts and admins decide. Every decision is audited by the library
and names the revision it was taken on, so a decision applies only to the candidate as shown.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from liaison.core.permissions import Resource, allowed
from liaison.osint import archive, review
from liaison.store.schema.osint import osint_candidate, osint_document
from liaison.web import auth
from liaison.web.deps import db, may, permit, render
from liaison.web.scope import actor

router = APIRouter()
TAG = ["osint"]
DB = Depends(db, scope="function")
NO_NUL = r"^[^\x00]*$"
Id = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-f-]+$")]
MAX_TEXT = 200_000  # characters of a document sent to the page


def scope(conn: Connection, user: auth.User) -> list[str] | None:
    """Partners whose open-source material the user may see (None: all): `osint.read` is scoped
    to the user's own partner, every partner for the home partner's users."""
    return None if actor(conn, user).is_home else [user.partner]


def _visible(conn: Connection, user: auth.User, partner: str, action: str = "osint.read") -> None:
    if not allowed(actor(conn, user), action, Resource(partner=partner)):
        raise HTTPException(status_code=404, detail="not found")


def _candidate_partner(conn: Connection, candidate_id: str) -> str:
    p = conn.execute(
        sa.select(osint_candidate.c.partner_code).where(osint_candidate.c.id == candidate_id)
    ).scalar()
    if p is None:
        raise HTTPException(status_code=404, detail="not found")
    return str(p)


class Edits(BaseModel):
    unit: str | None = Field(None, max_length=200, pattern=NO_NUL)
    designation: str | None = Field(None, max_length=300, pattern=NO_NUL)
    echelon: str | None = Field(None, max_length=40, pattern=NO_NUL)
    branch: str | None = Field(None, max_length=40, pattern=NO_NUL)
    place: str | None = Field(None, max_length=300, pattern=NO_NUL)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    date: str | None = Field(None, max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")
    credibility: int | None = Field(None, ge=1, le=6)

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None and v != ""}


class DecisionIn(BaseModel):
    revision: int = Field(ge=1, le=2**31 - 1, description="the revision shown to the analyst")
    comment: str | None = Field(None, max_length=4000, pattern=NO_NUL)
    edits: Edits | None = None


# ---------------------------------------------------------------- JSON API


@router.get("/api/v1/osint/candidates", tags=TAG)
def api_candidates(
    status: Literal["pending", "accepted", "rejected", "all"] = "pending",
    unit: str | None = Query(None, max_length=200, pattern=NO_NUL),
    limit: int = Query(200, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=10**9),
    user: auth.User = Depends(permit("osint.read")),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Candidate observations, best graded first, with the counts by status."""
    partners = scope(conn, user)
    return {
        "counts": review.counts(conn, partners),
        "items": review.list_candidates(
            conn, partners, status=status, unit_id=unit, limit=limit, offset=offset
        ),
    }


def _documents_for(conn: Connection, cand: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidate's documents: text (capped), every mention, and which ones are this one's."""
    mine = {m["id"] for m in cand["mentions_detail"]}
    out = []
    for did in dict.fromkeys(m["document"] for m in cand["mentions_detail"]):
        d = archive.document(conn, did)
        if len(d["text"]) > MAX_TEXT:
            d["text"] = d["text"][:MAX_TEXT]
            d["truncated"] = True
        d["mentions"] = [
            {**m, "this": m["id"] in mine} for m in d["mentions"] if m["end"] <= len(d["text"])
        ]
        out.append(d)
    return out


@router.get("/api/v1/osint/candidates/{candidate_id}", tags=TAG)
def api_candidate(
    candidate_id: Id, user: auth.User = Depends(permit("osint.read")), conn: Connection = DB
) -> dict[str, Any]:
    """One candidate with its mentions, its documents and the unit's current facts."""
    _visible(conn, user, _candidate_partner(conn, candidate_id))
    cand = review.show(conn, candidate_id)
    cand["documents_detail"] = _documents_for(conn, cand)
    return cand


def _decide(
    conn: Connection, user: auth.User, candidate_id: str, action: str, body: DecisionIn
) -> dict[str, Any]:
    _visible(conn, user, _candidate_partner(conn, candidate_id), "osint.decide")
    edits = body.edits.given() if body.edits else {}
    if action == "accept":
        return review.accept(
            conn,
            candidate_id,
            actor=user.username,
            revision=body.revision,
            edits=edits,
            comment=body.comment,
        )
    if action == "edit":
        return review.edit(
            conn,
            candidate_id,
            edits,
            actor=user.username,
            revision=body.revision,
            comment=body.comment,
        )
    return review.reject(
        conn, candidate_id, actor=user.username, revision=body.revision, comment=body.comment
    )


@router.post("/api/v1/osint/candidates/{candidate_id}/accept", tags=TAG)
def api_accept(
    candidate_id: Id,
    body: DecisionIn,
    user: auth.User = Depends(permit("osint.decide")),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Accept (optionally with edits): an observation with provenance enters the picture."""
    return _decide(conn, user, candidate_id, "accept", body)


@router.post("/api/v1/osint/candidates/{candidate_id}/edit", tags=TAG)
def api_edit(
    candidate_id: Id,
    body: DecisionIn,
    user: auth.User = Depends(permit("osint.decide")),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Correct the candidate's facts; it stays pending."""
    return _decide(conn, user, candidate_id, "edit", body)


@router.post("/api/v1/osint/candidates/{candidate_id}/reject", tags=TAG)
def api_reject(
    candidate_id: Id,
    body: DecisionIn,
    user: auth.User = Depends(permit("osint.decide")),
    conn: Connection = DB,
) -> dict[str, Any]:
    return _decide(conn, user, candidate_id, "reject", body)


@router.get("/api/v1/osint/documents", tags=TAG)
def api_documents(
    limit: int = Query(100, ge=1, le=5000),
    user: auth.User = Depends(permit("osint.read")),
    conn: Connection = DB,
) -> list[dict[str, Any]]:
    """Documents held, newest first."""
    return archive.list_documents(conn, scope(conn, user), limit=limit)


@router.get("/api/v1/osint/documents/{document_id}", tags=TAG)
def api_document(
    document_id: Id, user: auth.User = Depends(permit("osint.read")), conn: Connection = DB
) -> dict[str, Any]:
    """One document: text, where it came from, its mentions with offsets."""
    p = conn.execute(
        sa.select(osint_document.c.partner_code).where(osint_document.c.id == document_id)
    ).scalar()
    if p is None:
        raise HTTPException(status_code=404, detail="not found")
    _visible(conn, user, str(p))
    return archive.document(conn, document_id)


# ---------------------------------------------------------------- page


@router.get("/osint", response_class=HTMLResponse, include_in_schema=False)
def page(
    request: Request,
    user: auth.User = Depends(permit("osint.read", page=True)),
    conn: Connection = DB,
) -> Any:
    partners = scope(conn, user)
    return render(
        request,
        "osint.html",
        {
            "counts": review.counts(conn, partners),
            "can_write": may(request, "osint.decide"),
        },
    )
