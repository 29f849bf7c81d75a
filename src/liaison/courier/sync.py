"""`liaison sync CODE`: pull from a partner's server — pouches sealed for us, and/or TAXII objects.

Pouches: fetch the one after the last we opened from `…/courier/pouches/next`, open it (verify,
decrypt, check the chain, import — all or nothing), post our signed acknowledgement back, repeat
until the server has none. TAXII: the cursor is the newest `date_added` seen, kept in the audit
entry of the previous pull, so a pull fetches only what changed; everything fetched is imported in
one transaction. HTTP goes through httpx; pass `client` (e.g. FastAPI's TestClient) to talk to an
app in-process.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import Any

import httpx
import sqlalchemy as sa

from liaison.core.errors import LiaisonError, ValidationError
from liaison.courier.keys import KeyPair
from liaison.courier.stix import import_from
from liaison.store import Store, audit
from liaison.store.schema.audit import audit as audit_table
from liaison.store.schema.courier import pouch_log

ACCEPT = "application/taxii+json;version=2.1"
MAX_POUCHES = 1000


def _client(client: httpx.Client | None) -> httpx.Client:
    return client if client is not None else httpx.Client(timeout=30)


def _request(client: httpx.Client, method: str, url: str, token: str, **kw: Any) -> httpx.Response:
    headers = {"Accept": ACCEPT, "Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    try:
        r = client.request(method, url, headers=headers, **kw)
    except httpx.HTTPError as e:
        raise LiaisonError(f"partner server unreachable at {url}: {e}") from None
    if r.status_code >= 400:
        raise LiaisonError(f"partner server refused {url}: HTTP {r.status_code} {r.text[:200]}")
    return r


def _get(
    client: httpx.Client, url: str, token: str, params: dict[str, str] | None = None
) -> tuple[Any, httpx.Headers]:
    r = _request(client, "GET", url, token, params=params)
    try:
        return r.json(), r.headers
    except ValueError:
        raise LiaisonError(f"not a TAXII server at {url}") from None


def _base(url: str) -> str:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValidationError(f"{url}: only http(s) servers")
    return url.rstrip("/") + "/"


def cursor(store: Store, partner: str) -> str | None:
    """The newest date_added of the last pull from `partner`, if any."""
    with store.connect() as conn:
        row = conn.execute(
            sa.select(audit_table.c.detail)
            .where(audit_table.c.action == "sync.pull", audit_table.c.target == partner.upper())
            .order_by(audit_table.c.seq.desc())
            .limit(1)
        ).first()
    return row.detail.get("cursor") if row else None


def pull_pouches(
    store: Store,
    keys: KeyPair | Sequence[KeyPair],
    partner: str,
    url: str,
    token: str,
    *,
    client: httpx.Client | None = None,
    actor: str = "cli",
) -> dict[str, Any]:
    """Fetch, open and acknowledge every pouch the partner's server holds for us, in order."""
    from liaison.courier.pouch import open_file

    base, code = _base(url), partner.upper()
    http = _client(client)
    opened: list[dict[str, Any]] = []
    for _ in range(MAX_POUCHES):
        with store.connect() as conn:
            after = conn.execute(
                sa.select(sa.func.max(pouch_log.c.seq)).where(
                    pouch_log.c.direction == "in", pouch_log.c.partner_code == code
                )
            ).scalar()
        r = _request(
            http, "GET", f"{base}courier/pouches/next", token, params={"after": str(after or 0)}
        )
        if r.status_code == 204 or not r.content:
            break
        out = open_file(store, keys, r.content, actor=actor)
        if out.get("ack"):
            _request(http, "POST", f"{base}courier/acks", token, json=out["ack"])
        opened.append({k: v for k, v in out.items() if k != "ack"})
    return {
        "partner": code,
        "pouches": len(opened),
        "new_observations": sum(o["new_observations"] for o in opened),
        "opened": opened,
    }


def pull(
    store: Store,
    partner: str,
    url: str,
    token: str,
    *,
    since: str | None = "last",
    actor: str = "cli",
    client: httpx.Client | None = None,
) -> dict[str, Any]:
    """Fetch new objects from the partner's server (`url` = its TAXII discovery URL) and import them."""
    url = _base(url)
    http = _client(client)
    after = cursor(store, partner) if since == "last" else since
    discovery, _ = _get(http, url, token)
    root = str(discovery.get("default") or (discovery.get("api_roots") or [""])[0])
    root = urllib.parse.urljoin(url, root).rstrip("/") + "/"
    cols = _get(http, f"{root}collections/", token)[0].get("collections", [])
    if not cols:
        raise LiaisonError(f"{partner.upper()}'s server offers us no collection")
    objects_url = f"{root}collections/{cols[0]['id']}/objects/"
    objects: list[dict[str, Any]] = []
    newest, nxt = after, None
    while True:
        params = {"limit": "1000", **({"added_after": after} if after else {})}
        if nxt:
            params["next"] = nxt
        body, headers = _get(http, objects_url, token, params)
        objects += body.get("objects", [])
        last = headers.get("X-TAXII-Date-Added-Last")
        if last and (newest is None or last > newest):
            newest = last
        nxt = body.get("next")
        if not body.get("more") or not nxt:
            break
    with store.begin() as conn:
        n = import_from(conn, partner, {"type": "bundle", "objects": objects}, actor=actor)
        audit.record(
            conn,
            actor,
            "sync.pull",
            partner.upper(),
            {"url": url, "objects": len(objects), "cursor": newest},
        )
    return {
        "partner": partner.upper(),
        "objects": len(objects),
        "new_observations": n,
        "cursor": newest,
    }
