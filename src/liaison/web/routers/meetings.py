"""The meeting over the web: open one, work the discrepancy queue, close it, read the minutes.

A thin adapter over `liaison.reconcile.meeting` / `minutes`. Meetings are the home partner's
business (they compare our picture with a partner's as received): only users of the `is_self`
partner see them; anyone else gets 404, so not even their existence leaks. Viewers read only.
"""

from __future__ import annotations

import html
import re
import tempfile
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from liaison.core.clock import to_utc
from liaison.core.errors import LiaisonError
from liaison.courier import meetings as cm
from liaison.reconcile import meeting as mt
from liaison.reconcile import queue
from liaison.reconcile.match import KINDS
from liaison.reconcile.minutes import minutes_markdown, minutes_pdf
from liaison.store import audit
from liaison.web import auth
from liaison.web.cache import cached_response
from liaison.web.deps import db, in_transaction, may, permit, render
from liaison.web.memo import remembered

router = APIRouter()
TAG = ["meetings"]
#: Ids within the store's integer range (a larger one is simply not found, never a server error).
MeetingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DiscId = Annotated[int, Path(ge=1, le=2**31 - 1)]
NO_NUL = r"^[^\x00]*$"
#: The request's transaction, committed BEFORE the response is sent (FastAPI's default scope for a
#: yield dependency ends after sending: a client that follows a redirect or re-reads at once could
#: miss the write, and a failed commit would follow a 2xx). One scope everywhere in a request, or
#: FastAPI would open a second connection.
DB = Depends(db, scope="function")

#: What each resolution means, in the order the queue's 1–4 keys pick them.
RESOLUTION_HELP = {
    "ours": "accept our report",
    "theirs": "accept their report",
    "neither": "neither: raise a collection requirement",
    "defer": "defer to the next meeting",
}
SIDE_FACTS = queue.SIDE_FACTS


def utc_or_422(when: datetime | None, field: str) -> datetime | None:
    """An aware UTC time, or 422 for one outside the representable range (e.g. year 1 at -23:59)."""
    if when is None:
        return None
    try:
        return to_utc(when)
    except (OverflowError, ValueError):
        raise HTTPException(422, f"{field}: time out of range") from None


#: Meetings are the home partner's business: `allowed` answers 404 to other partners' users.
home_reader = permit("meeting.read")
home_writer = permit("meeting.write")
home_page_user = permit("meeting.read", page=True)
home_page_writer = permit("meeting.write", page=True)


class MeetingIn(BaseModel):
    theirs: str = Field(
        min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$", description="partner code"
    )
    as_of: datetime | None = Field(None, description="valid time of the pictures (default: now)")
    share: bool | None = Field(
        None,
        description="hold it with the partner (sent in the next pouch); default: when the "
        "partner exchanges pouches with us and a release policy exists",
    )


class ResolveIn(BaseModel):
    resolution: str = Field(
        max_length=20, pattern=NO_NUL, description="ours, theirs, neither, defer"
    )
    comment: str = Field(max_length=4000, pattern=NO_NUL, description="why; required")
    replaces: Literal["ours", "theirs", "neither", "defer"] | None = Field(
        None,
        description="the resolution shown to the analyst and being changed; null (the default) "
        "when the item was open. Anything else than the item's current state is refused (409).",
    )


class PairIn(BaseModel):
    ours_unit: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    theirs_unit: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    status: Literal["confirmed", "rejected", "withdrawn"]
    comment: str | None = Field(None, max_length=4000, pattern=NO_NUL)


def _meeting_row(conn: Connection, meeting_id: int) -> Any:
    return queue.meeting_row(conn, meeting_id)


list_meetings = queue.list_meetings  # the dashboard lists them too
meeting_summary = queue.meeting_summary


def discrepancies(conn: Connection, meeting_id: int, **kw: Any) -> dict[str, Any]:
    return queue.page(conn, meeting_id, **kw)


def _check_kind(kind: str | None) -> None:
    if kind and kind not in KINDS:
        raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")


# ---------------------------------------------------------------- JSON API


@router.get("/api/v1/meetings", tags=TAG)
def api_meetings(
    _: auth.User = Depends(home_reader), conn: Connection = DB
) -> list[dict[str, Any]]:
    """Every meeting, newest first, with its progress (resolved / total discrepancies)."""
    return list_meetings(conn)


@router.post("/api/v1/meetings", status_code=201, tags=TAG)
def api_open(
    body: MeetingIn, user: auth.User = Depends(home_writer), conn: Connection = DB
) -> dict[str, Any]:
    """Open a meeting with a partner: snapshot both pictures and reconcile them (409 if one is open)."""
    as_of = utc_or_422(body.as_of, "as_of")
    mid, _ = cm.open_meeting(conn, body.theirs, as_of=as_of, actor=user.username, share=body.share)
    return meeting_summary(conn, mid)


@router.get("/api/v1/meetings/{meeting_id}", tags=TAG)
def api_meeting(
    meeting_id: MeetingId, _: auth.User = Depends(home_reader), conn: Connection = DB
) -> dict[str, Any]:
    return meeting_summary(conn, meeting_id)


@router.get(
    "/api/v1/meetings/{meeting_id}/discrepancies",
    tags=TAG,
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "a page of the queue"}},
)
async def api_discrepancies(
    request: Request,
    meeting_id: MeetingId,
    status: Literal["open", "resolved", "all", "settled"] = "all",
    kind: str | None = Query(None, max_length=20),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=10**9),
    _: auth.User = Depends(home_reader),
) -> Response:
    """The queue: both sides' facts side by side, severity, sources and gradings, a suggestion."""
    _check_kind(kind)

    def work(conn: Connection) -> Response:
        key = (*_queue_version(conn, meeting_id), status, kind, limit, offset)

        def build() -> bytes:
            page = discrepancies(
                conn, meeting_id, status=status, kind=kind, limit=limit, offset=offset
            )
            return orjson.dumps(page)

        return cached_response(request, "queue", key, build, "application/json")

    return await in_transaction(request, work)


def _queue_version(conn: Connection, meeting_id: int) -> tuple[Any, ...]:
    return remembered(("queue", meeting_id), lambda: queue.version(conn, meeting_id))


@router.get("/api/v1/meetings/{meeting_id}/discrepancies/{disc_id}", tags=TAG)
def api_discrepancy(
    meeting_id: MeetingId,
    disc_id: DiscId,
    _: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> dict[str, Any]:
    page = discrepancies(conn, meeting_id, disc_id=disc_id)
    if not page["items"]:
        raise HTTPException(404, f"no discrepancy {disc_id} in meeting {meeting_id}")
    return page["items"][0]


@router.post(
    "/api/v1/meetings/{meeting_id}/discrepancies/{disc_id}/resolve",
    tags=TAG,
    responses={409: {"description": "already resolved, changed since shown, or meeting closed"}},
)
def api_resolve(
    meeting_id: MeetingId,
    disc_id: DiscId,
    body: ResolveIn,
    user: auth.User = Depends(home_writer),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Resolve the discrepancy in the path, as the analyst saw it: 422 for a bad value, 409 when it
    is not in the state stated by ``replaces`` (a repeated submit, another analyst's decision in
    between) or the meeting is closed. Changing a resolution states the one it replaces."""
    if not queue.in_meeting(conn, meeting_id, disc_id):
        raise HTTPException(404, f"no discrepancy {disc_id} in meeting {meeting_id}")
    if body.resolution not in mt.RESOLUTIONS:
        raise HTTPException(422, f"resolution must be one of {', '.join(mt.RESOLUTIONS)}")
    out = mt.resolve(
        conn, disc_id, body.resolution, body.comment, actor=user.username, replaces=body.replaces
    )
    return {**out, "progress": meeting_summary(conn, meeting_id)["progress"]}


@router.post("/api/v1/meetings/{meeting_id}/pairs", status_code=201, tags=TAG)
def api_pair(
    meeting_id: MeetingId,
    body: PairIn,
    user: auth.User = Depends(home_writer),
    conn: Connection = DB,
) -> dict[str, Any]:
    """Confirm, reject or withdraw a pairing in the crosswalk; the next meeting uses it."""
    m = _meeting_row(conn, meeting_id)
    mt.decide_pair(
        conn,
        m.ours_partner,
        m.theirs_partner,
        body.ours_unit,
        body.theirs_unit,
        body.status,
        actor=user.username,
        comment=body.comment,
    )
    return {"ours_unit": body.ours_unit, "theirs_unit": body.theirs_unit, "status": body.status}


@router.post("/api/v1/meetings/{meeting_id}/close", tags=TAG)
def api_close(
    meeting_id: MeetingId, user: auth.User = Depends(home_writer), conn: Connection = DB
) -> dict[str, Any]:
    """Make the agreed picture and the minutes; 422 while discrepancies are open, 409 if closed."""
    _meeting_row(conn, meeting_id)
    return cm.close(conn, meeting_id, actor=user.username)


def minutes_text(conn: Connection, meeting_id: int) -> str:
    """The minutes as written at close; a draft from the current state while the meeting is open."""
    row = _meeting_row(conn, meeting_id)
    return row.minutes or minutes_markdown(conn, row.id)


@router.get(
    "/api/v1/meetings/{meeting_id}/minutes",
    tags=TAG,
    responses={200: {"content": {"text/markdown": {}, "application/pdf": {}}}},
)
def api_minutes(
    meeting_id: MeetingId,
    format: Literal["md", "pdf"] = "md",
    user: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> Response:
    """The minutes as Markdown or PDF (an export: recorded in the audit log)."""
    text = minutes_text(conn, meeting_id)
    audit.record(conn, user.username, "minutes.export", f"meeting/{meeting_id}", {"format": format})
    name = f"minutes-{meeting_id}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "md":
        return Response(text, media_type="text/markdown; charset=utf-8", headers=disposition)
    with tempfile.TemporaryDirectory() as tmp:
        path = FilePath(tmp) / name
        minutes_pdf(text, str(path))
        data = path.read_bytes()
    return Response(data, media_type="application/pdf", headers=disposition)


AGREED_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "stix": "application/stix+json;version=2.1",
    "json": "application/json",
}


@router.get(
    "/api/v1/meetings/{meeting_id}/agreed",
    tags=TAG,
    responses={200: {"content": {m: {} for m in AGREED_MEDIA.values()}}},
)
def api_agreed(
    meeting_id: MeetingId,
    format: Literal["csv", "xlsx", "geojson", "kml", "stix", "json"] = "json",
    user: auth.User = Depends(home_reader),
    conn: Connection = DB,
) -> Response:
    """The agreed picture of a closed meeting: `json` is the canonical document both sides
    computed and signed (RFC 8785); the others are exports of it (an export: audited)."""
    data = cm.export_agreed(conn, meeting_id, format, actor=user.username)
    name = f"agreed-{meeting_id}.{format}"
    return Response(
        data,
        media_type=AGREED_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/v1/meetings/{meeting_id}/agreed/units", tags=TAG)
def api_agreed_units(
    meeting_id: MeetingId, _: auth.User = Depends(home_reader), conn: Connection = DB
) -> dict[str, Any]:
    """The agreed picture as the map's third picture (a FeatureCollection like a partner's)."""
    from liaison.reconcile.agreed import agreed_picture
    from liaison.web.routers.pictures import feature_collection

    pic = agreed_picture(conn, meeting_id)
    doc = feature_collection(pic)
    for f in [*doc["features"], *[{"properties": x} for x in doc["unplaced"]]]:
        f["properties"]["notes"] = pic.units[f["properties"]["unit_id"]].notes
    return {**doc, "meeting": meeting_id}


@router.get("/api/v1/meetings/{meeting_id}/signatures", tags=TAG)
def api_signatures(
    meeting_id: MeetingId, _: auth.User = Depends(home_reader), conn: Connection = DB
) -> list[dict[str, Any]]:
    """Signatures over the agreed picture: ours and the partner's, verified over our own
    computation or refused with the reason."""
    _meeting_row(conn, meeting_id)
    return cm.signatures(conn, meeting_id)


# ---------------------------------------------------------------- pages


def markdown_html(text: str) -> Markup:
    """The minutes' Markdown subset (headings, lists, tables, paragraphs) as HTML, all text escaped.

    The minutes are our own generator's output, so a small renderer beats a dependency."""
    out: list[str] = []
    table: list[list[str]] = []
    items: list[str] = []

    def inline(s: str) -> str:
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(s))

    def flush() -> None:
        if table:
            head, *body = table
            out.append('<table class="grid"><thead><tr>')
            out.extend(f"<th>{inline(c)}</th>" for c in head)
            out.append("</tr></thead><tbody>")
            for r in body:
                out.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>")
            out.append("</tbody></table>")
            table.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        if line.startswith("|"):
            if items:
                flush()
            if not line.startswith("|---"):
                table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if line.startswith("- "):
            if table:
                flush()
            items.append(line[2:])
            continue
        flush()
        if img := re.fullmatch(
            r"!\[([^\]]*)\]\((data:image/svg\+xml;base64,[A-Za-z0-9+/=]+)\)", line
        ):
            out.append(f'<img class="chart" alt="{html.escape(img[1])}" src="{img[2]}">')
        elif line.startswith("## "):
            out.append(f"<h2>{inline(line[3:])}</h2>")
        elif line.startswith("# "):
            out.append(f"<h1>{inline(line[2:])}</h1>")
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    flush()
    return Markup("\n".join(out))


@router.get("/meetings", include_in_schema=False)
def meetings_page(
    request: Request,
    error: str | None = Query(None, max_length=300),
    user: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    from liaison.orbat.partners import list_partners

    partners = [p.code for p in list_partners(conn) if not p.is_self]
    ctx = {
        "meetings": list_meetings(conn),
        "partners": partners,
        "can_write": may(request, "meeting.write"),
        "error": error,
    }
    return render(request, "meetings.html", ctx)


@router.post("/meetings", include_in_schema=False)
def meetings_open_form(
    theirs: str = Form("", max_length=16),
    user: auth.User = Depends(home_page_writer),
    conn: Connection = DB,
) -> Response:
    """The plain-form way to open a meeting (the CSRF token travels in the form)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", theirs):
        return RedirectResponse("/meetings?error=pick+a+partner", status_code=303)
    try:
        mid, _ = cm.open_meeting(conn, theirs, actor=user.username)  # checks come before writes
    except LiaisonError as exc:
        from urllib.parse import quote

        return RedirectResponse(f"/meetings?error={quote(str(exc))}", status_code=303)
    return RedirectResponse(f"/meetings/{mid}", status_code=303)


@router.get("/meetings/{meeting_id}", include_in_schema=False)
def meeting_page(
    request: Request,
    meeting_id: MeetingId,
    user: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    ctx = {
        "m": meeting_summary(conn, meeting_id),
        "page_marking": queue.highest_marking(conn, meeting_id),
        "can_write": may(request, "meeting.write"),
        "resolutions": RESOLUTION_HELP,
    }
    return render(request, "meeting.html", ctx)


@router.get("/meetings/{meeting_id}/minutes", include_in_schema=False)
def minutes_page(
    request: Request,
    meeting_id: MeetingId,
    _: auth.User = Depends(home_page_user),
    conn: Connection = DB,
) -> Response:
    ctx = {
        "m": meeting_summary(conn, meeting_id),
        "minutes": markdown_html(minutes_text(conn, meeting_id)),
    }
    return render(request, "minutes.html", ctx)
