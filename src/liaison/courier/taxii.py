"""A TAXII 2.1 server as a FastAPI router: one read-only collection per partner.

A caller authenticates with a bearer token (or HTTP basic, the token as password); the token names
its partner, and the caller sees only that partner's collection, holding only what the release
policy lets go to it — the same filter as a pouch. `date_added` of a unit and its sighting is the
time we recorded the unit's latest observation, so `added_after` gives an incremental pull.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from liaison.courier.kinds.acks import receive_ack
from liaison.courier.policy import get_policy, release
from liaison.courier.records import PouchRejected
from liaison.courier.stix import export_bundle, stix_time, unit_facts
from liaison.orbat.partners import get_self
from liaison.orbat.picture import get_picture
from liaison.store import Store, audit
from liaison.store.schema.courier import pouch_outbox

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
POUCH = "application/vnd.liaison.pouch"
API_ROOT = "liaison"
_NS = uuid.UUID("7a0c2a55-93a4-4c8e-b7a1-2f4d5e6c7b80")
_EPOCH = "2026-01-01T00:00:00.000Z"
MAX_PAGE = 1000


def collection_id(partner: str) -> str:
    return str(uuid.uuid5(_NS, partner.upper()))


def _reply(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=TAXII, headers=dict(headers or {}))


def _error(status: int, title: str) -> HTTPException:
    return HTTPException(status, detail={"title": title, "http_status": str(status)})


Tokens = Mapping[str, str] | Callable[[str], str | None]


def make_router(store: Callable[[], Store], tokens: Tokens) -> APIRouter:
    """`store()` gives the store; `tokens` maps a secret token to the partner code it stands for
    (a mapping, or a callable the web app supplies from its own API tokens)."""
    router = APIRouter(prefix="/taxii2")

    def who(token: str) -> str | None:
        if callable(tokens):
            return tokens(token)
        return tokens.get(token)

    def caller(request: Request) -> str:
        auth = request.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        token = None
        if scheme.lower() == "bearer":
            token = value.strip()
        elif scheme.lower() == "basic":
            try:
                token = base64.b64decode(value, validate=True).decode().partition(":")[2]
            except (binascii.Error, UnicodeDecodeError):
                token = None
        partner = who(token) if token else None
        if not partner:
            raise HTTPException(401, "a valid token is required", {"WWW-Authenticate": "Bearer"})
        return partner.upper()

    def collection(request: Request, cid: str) -> str:
        partner = caller(request)
        if cid != collection_id(partner):
            raise _error(404, "no such collection for this caller")
        return partner

    def objects_for(partner: str) -> list[tuple[str, dict[str, Any]]]:
        """(date_added, object) pairs of what policy releases to `partner`, oldest first."""
        with store().begin() as conn:
            me = get_self(conn)
            if me is None:
                return []
            pic = get_picture(conn, me.code)
            units, withheld = release(pic, get_policy(conn, partner))
            audit.record(conn, f"taxii:{partner}", "taxii.read", partner, {"units": len(units)})
        bundle = export_bundle(me.code, units, datetime.now(UTC))
        added: dict[str, str] = {}
        for o in bundle["objects"]:
            facts = unit_facts(o)
            if facts is not None:
                rec = pic.units[facts["unit_id"]].recorded_at
                added[o["id"]] = stix_time(rec) if rec else _EPOCH
        for o in bundle["objects"]:
            if o["type"] == "sighting":
                added[o["id"]] = added[o["sighting_of_ref"]]
                for ref in o.get("where_sighted_refs", []):
                    added[ref] = min(added.get(ref, added[o["id"]]), added[o["id"]])
            elif o["type"] == "relationship":  # it changes when the unit it starts from does
                added[o["id"]] = added[o["source_ref"]]
        for o in bundle["objects"]:
            if o["id"] in added:  # stable versions: an object changes when its unit does
                o["created"] = o["modified"] = added[o["id"]]
        pairs = [(added.get(o["id"], _EPOCH), o) for o in bundle["objects"]]
        return sorted(pairs, key=lambda p: (p[0], p[1]["id"]))

    def page(
        pairs: list[tuple[str, dict[str, Any]]], request: Request
    ) -> tuple[list[tuple[str, dict[str, Any]]], str | None, dict[str, str]]:
        q = request.query_params
        after = q.get("added_after")
        if after:
            try:
                cut = stix_time(datetime.fromisoformat(after))
            except ValueError:
                raise _error(400, "added_after is not a timestamp") from None
            pairs = [p for p in pairs if p[0] > cut]
        try:
            limit = min(int(q.get("limit", MAX_PAGE)), MAX_PAGE)
            start = int(q.get("next", 0))
        except ValueError:
            raise _error(400, "limit and next must be integers") from None
        if limit < 1 or start < 0:
            raise _error(400, "limit must be positive and next not negative")
        chunk = pairs[start : start + limit]
        more = start + limit < len(pairs)
        headers = {}
        if chunk:
            headers = {
                "X-TAXII-Date-Added-First": chunk[0][0],
                "X-TAXII-Date-Added-Last": chunk[-1][0],
            }
        return chunk, str(start + limit) if more else None, headers

    def envelope(chunk: list[tuple[str, dict[str, Any]]], nxt: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"more": nxt is not None, "objects": [o for _, o in chunk]}
        if nxt is not None:
            body["next"] = nxt
        return body

    @router.get("/")
    def discovery(request: Request) -> JSONResponse:
        caller(request)
        root = str(request.url_for("api_root"))
        return _reply({"title": "Liaison TAXII", "default": root, "api_roots": [root]})

    @router.get(f"/{API_ROOT}/", name="api_root")
    def api_root(request: Request) -> JSONResponse:
        caller(request)
        return _reply(
            {"title": "Liaison courier", "versions": [TAXII], "max_content_length": 64 << 20}
        )

    def describe(partner: str) -> dict[str, Any]:
        return {
            "id": collection_id(partner),
            "title": f"Released to {partner}",
            "can_read": True,
            "can_write": False,
            "media_types": [STIX],
        }

    @router.get(f"/{API_ROOT}/collections/")
    def collections(request: Request) -> JSONResponse:
        return _reply({"collections": [describe(caller(request))]})

    @router.get(f"/{API_ROOT}/collections/{{cid}}/")
    def one_collection(request: Request, cid: str) -> JSONResponse:
        return _reply(describe(collection(request, cid)))

    @router.get(f"/{API_ROOT}/collections/{{cid}}/objects/")
    def objects(request: Request, cid: str) -> JSONResponse:
        chunk, nxt, headers = page(objects_for(collection(request, cid)), request)
        return _reply(envelope(chunk, nxt), headers=headers)

    @router.get(f"/{API_ROOT}/collections/{{cid}}/manifest/")
    def manifest(request: Request, cid: str) -> JSONResponse:
        chunk, nxt, headers = page(objects_for(collection(request, cid)), request)
        rows = [
            {"id": o["id"], "date_added": d, "version": o.get("modified", d), "media_type": STIX}
            for d, o in chunk
        ]
        body: dict[str, Any] = {"more": nxt is not None, "objects": rows}
        if nxt is not None:
            body["next"] = nxt
        return _reply(body, headers=headers)

    def find(request: Request, cid: str, oid: str) -> list[tuple[str, dict[str, Any]]]:
        found = [p for p in objects_for(collection(request, cid)) if p[1]["id"] == oid]
        if not found:
            raise _error(404, "no such object in this collection")
        return found

    @router.get(f"/{API_ROOT}/collections/{{cid}}/objects/{{oid}}/")
    def one_object(request: Request, cid: str, oid: str) -> JSONResponse:
        return _reply(envelope(find(request, cid, oid), None))

    @router.get(f"/{API_ROOT}/collections/{{cid}}/objects/{{oid}}/versions/")
    def versions(request: Request, cid: str, oid: str) -> JSONResponse:
        versions = [o.get("modified", d) for d, o in find(request, cid, oid)]
        return _reply({"more": False, "versions": versions})

    # ---- pouches over the network (not TAXII: a partner fetches the pouches sealed for it) ----
    @router.get("/courier/pouches/next")
    def next_pouch(request: Request, after: int = Query(0, ge=0, le=2**31 - 2)) -> Response:
        """The pouch after sequence `after` sealed for the caller (204 when there is none yet)."""
        partner = caller(request)
        with store().begin() as conn:
            row = conn.execute(
                sa.select(pouch_outbox.c.seq, pouch_outbox.c.data).where(
                    pouch_outbox.c.partner_code == partner, pouch_outbox.c.seq == after + 1
                )
            ).first()
            if row is None:
                return Response(status_code=204)
            audit.record(conn, f"courier:{partner}", "pouch.fetch", partner, {"seq": row.seq})
        return Response(
            bytes(row.data), media_type=POUCH, headers={"X-Liaison-Pouch-Seq": str(row.seq)}
        )

    @router.post("/courier/acks")
    async def post_ack(request: Request) -> JSONResponse:
        """A signed acknowledgement of the caller's: the next pouch it is sealed is incremental."""
        partner = caller(request)
        try:
            rec = json.loads(await request.body())
        except ValueError:
            raise HTTPException(400, "the acknowledgement is not JSON") from None
        try:
            with store().begin() as conn:
                seq = receive_ack(conn, partner, rec, actor=f"courier:{partner}")
        except PouchRejected as exc:
            raise HTTPException(400, str(exc)) from None
        return JSONResponse({"acked": seq})

    return router
