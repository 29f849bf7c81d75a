"""Burn notices: a partner's signed word that items it sent came from a compromised source.

A notice names items only — an observation by unit and valid time, an intercept or report by its
id — with the new reliability; never the source, its codename, the reason or the date from which
it was burned (`orbat.sources.burn` keeps those at home). Collected: for each of our burns, the
burned items this partner holds or may hold (what we passed it, or what our release policy lets
it have), one notice signed by us, sent once. A received notice for intercepts or reports we
passed on is forwarded, as signed, to the partners we passed them to. Received: checked against
its issuer's key; the named items we hold from the issuer are flagged and re-graded here, and
alerts recorded for the units whose picture changed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from liaison.core.clock import iso, parse_time
from liaison.core.grading import RELIABILITY
from liaison.core.ids import new_id
from liaison.courier import origin, records
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing, marking_of
from liaison.courier.records import PouchRejected
from liaison.orbat import sources
from liaison.store import audit
from liaison.store.schema.codebreak import intercept
from liaison.store.schema.courier import report
from liaison.store.schema.orbat import observation, unit
from liaison.store.schema.sources import burned_item, source_burn

TYPE = "burn-notice"
MAX_ITEMS = 200_000
TABLES = {"intercept": intercept, "report": report}


def _our_items(out: Outgoing, burn_id: str) -> list[dict[str, Any]]:
    conn, me, to = out.conn, out.me, out.to
    items: list[dict[str, Any]] = []
    for r in conn.execute(
        sa.select(observation, unit.c.local_id)
        .select_from(
            burned_item.join(observation, observation.c.id == burned_item.c.item_id).join(
                unit, unit.c.id == observation.c.unit_id
            )
        )
        .where(
            burned_item.c.burn_id == burn_id,
            burned_item.c.kind == "observation",
            observation.c.partner_code == me,
        )
    ):
        if out.releasable(marking_of(r)):
            items.append({"kind": "observation", "ref": r.local_id, "valid_at": iso(r.valid_at)})
    for kind, table in TABLES.items():
        for r in conn.execute(
            sa.select(table)
            .select_from(burned_item.join(table, table.c.id == burned_item.c.item_id))
            .where(
                burned_item.c.burn_id == burn_id,
                burned_item.c.kind == kind,
                table.c.partner_code == me,
            )
        ):
            if origin.holds(conn, kind, me, r.local_id, to):
                items.append({"kind": kind, "ref": r.local_id, "valid_at": None})
    items = list({(i["kind"], i["ref"], i["valid_at"]): i for i in items}.values())
    return sorted(items, key=lambda i: (i["kind"], i["ref"], i["valid_at"] or ""))


def collect(out: Outgoing) -> Collected:
    conn, me, to = out.conn, out.me, out.to
    recs: list[dict[str, Any]] = []
    if out.policy is None:
        return Collected([])
    for b in conn.execute(
        sa.select(source_burn)
        .where(source_burn.c.partner_code == me, source_burn.c.source_id.is_not(None))
        .where(source_burn.c.burned_at <= out.now)
        .order_by(source_burn.c.burned_at)
    ):
        items = _our_items(out, b.id)
        if not items:
            continue
        body = {
            "type": TYPE,
            "issuer": me,
            "notice": b.id,
            "issued_at": iso(b.burned_at),
            "reliability": b.reliability,
            "items": items,
        }
        rec = records.sign(out.kp, body)
        if origin.forward_pending(conn, to, records.body_digest(rec)):
            recs.append(rec)
    # partners' notices about items we passed on to this partner: forwarded as signed, when
    # every item it names is one we passed to them (a notice never tells them of anything else)
    for b in conn.execute(
        sa.select(source_burn.c.partner_code, source_burn.c.record, source_burn.c.record_sha256)
        .where(source_burn.c.record.is_not(None), source_burn.c.partner_code != to)
        .order_by(source_burn.c.burned_at)
    ):
        named = b.record["body"]["items"]
        if (
            named
            and all(
                i["kind"] in TABLES and origin.holds(conn, i["kind"], b.partner_code, i["ref"], to)
                for i in named
            )
            and origin.forward_pending(conn, to, b.record_sha256)
        ):
            recs.append(b.record)
    return Collected(recs)


def _checked_items(b: dict[str, Any]) -> list[tuple[str, str, Any]]:
    items = b.get("items")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_ITEMS:
        raise PouchRejected("malformed", "a burn notice names no items, or too many")
    out = []
    for i in items:
        ok = (
            isinstance(i, dict)
            and (i.get("kind") == "observation" or i.get("kind") in TABLES)
            and isinstance(i.get("ref"), str)
            and 0 < len(i["ref"]) <= 200
        )
        valid = None
        if ok and i["kind"] == "observation":
            try:
                valid = parse_time(str(i.get("valid_at")))
            except (ValueError, TypeError, OverflowError):
                ok = False
        if not ok:
            raise PouchRejected("malformed", "a burn notice names an item badly")
        out.append((i["kind"], i["ref"], valid))
    return out


def receive(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    conn = inc.conn
    notices = regraded = 0
    for rec in recs:
        b = rec["body"]
        issuer = b.get("issuer")
        if not isinstance(issuer, str) or not origin.keys_of(inc, issuer):
            raise PouchRejected("bad-burn-notice", f"a burn notice from unknown {issuer!r:.20}")
        if not any(
            records.verify_by(rec, k.sign_pk, k.fingerprint) for k in origin.keys_of(inc, issuer)
        ):
            raise PouchRejected("bad-burn-notice", f"a burn notice not signed by {issuer}")
        if b.get("reliability") not in RELIABILITY:
            raise PouchRejected("malformed", "a burn notice's reliability is not A–F")
        items = _checked_items(b)
        if issuer != inc.sender and any(k == "observation" for k, _, _ in items):
            raise PouchRejected(
                "bad-burn-notice", f"{inc.sender} forwards {issuer}'s notice about observations"
            )
        sha = records.body_digest(rec)
        if conn.execute(
            sa.select(source_burn.c.id).where(
                source_burn.c.partner_code == issuer, source_burn.c.record_sha256 == sha
            )
        ).first():
            continue
        flagged: list[tuple[str, str]] = []
        touched: set[str] = set()
        for kind, ref, valid in items:
            if kind == "observation":
                for r in conn.execute(
                    sa.select(observation.c.id)
                    .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
                    .where(
                        unit.c.partner_code == issuer,
                        unit.c.local_id == ref,
                        observation.c.valid_at == valid,
                        observation.c.retracts.is_(None),
                    )
                ):
                    flagged.append(("observation", r.id))
                    touched.add(ref)
            else:
                t = TABLES[kind]
                row = conn.execute(
                    sa.select(t.c.id).where(t.c.partner_code == issuer, t.c.local_id == ref)
                ).first()
                if row is not None:
                    flagged.append((kind, row.id))
        from liaison.orbat.picture import get_picture

        before = get_picture(conn, issuer, only=touched) if touched else None
        bid = new_id()
        conn.execute(
            source_burn.insert().values(
                id=bid,
                partner_code=issuer,
                source_id=None,
                since=None,
                reliability=b["reliability"],
                reason=None,
                burned_at=inc.now,
                record=rec,
                record_sha256=sha,
            )
        )
        regraded += sources.flag(conn, bid, flagged)
        notices += 1
        if before is not None:
            after = get_picture(conn, issuer, only=touched)
            for a in sources.regraded(before, after):
                audit.record(
                    conn, inc.actor, "alert.regraded", f"{a['partner']}/{a['unit_id']}", {}
                )
    return {"burn_notices": notices, "regraded": regraded}


KIND = Kind("burns", "items", collect, receive, signed=(TYPE,))
