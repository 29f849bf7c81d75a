"""`liaison sync CODE`: pull what a partner's TAXII 2.1 server releases to us, incrementally.

The cursor is the newest `date_added` seen, kept in the audit log entry of the previous pull, so a
pull fetches only what changed since. Everything fetched is imported in one transaction.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import sqlalchemy as sa

from liaison.core.errors import LiaisonError, ValidationError
from liaison.courier.stix import import_from
from liaison.store import Store, audit
from liaison.store.schema.audit import audit as audit_table

ACCEPT = "application/taxii+json;version=2.1"


def _get(url: str, token: str, params: dict[str, str] | None = None) -> tuple[Any, dict[str, str]]:
    if params:
        url = f"{url}?{urllib.parse.urlencode(params)}"
    req = urllib.request.Request(
        url, headers={"Accept": ACCEPT, "Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 — scheme checked in pull
            return json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        raise LiaisonError(f"TAXII server refused {url}: HTTP {e.code}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as e:
        raise LiaisonError(f"TAXII server unreachable or not TAXII at {url}: {e}") from None


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


def pull(
    store: Store,
    partner: str,
    url: str,
    token: str,
    *,
    since: str | None = "last",
    actor: str = "cli",
) -> dict[str, Any]:
    """Fetch new objects from the partner's server (`url` = its TAXII discovery URL) and import them."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValidationError(f"{url}: only http(s) TAXII servers")
    url = url.rstrip("/") + "/"
    after = cursor(store, partner) if since == "last" else since
    discovery, _ = _get(url, token)
    root = str(discovery.get("default") or (discovery.get("api_roots") or [""])[0])
    root = urllib.parse.urljoin(url, root).rstrip("/") + "/"
    cols = _get(f"{root}collections/", token)[0].get("collections", [])
    if not cols:
        raise LiaisonError(f"{partner.upper()}'s server offers us no collection")
    objects_url = f"{root}collections/{cols[0]['id']}/objects/"
    objects: list[dict[str, Any]] = []
    newest, nxt = after, None
    while True:
        params = {"limit": "1000", **({"added_after": after} if after else {})}
        if nxt:
            params["next"] = nxt
        body, headers = _get(objects_url, token, params)
        objects += body.get("objects", [])
        last = headers.get("X-TAXII-Date-Added-Last") or headers.get("x-taxii-date-added-last")
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
