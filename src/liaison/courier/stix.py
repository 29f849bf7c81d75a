"""STIX 2.1 bundles of released units: a new SDO `x-liaison-military-unit` and sightings.

Export takes units already filtered by the release policy (`policy.release`), so a bundle never
carries more than a pouch would. Each unit becomes an `x-liaison-military-unit` object (a new SDO
declared by our extension definition); its latest observation becomes a `sighting` of it, with a
`location` when the position is known and the observation's facts (equipment, strength, Admiralty
grading) in a property extension of the same definition. Identifiers are UUIDv5 over partner and
unit id, so the same unit keeps the same STIX id from one export to the next.

TLP travels as the standard TLP 2.0 marking definitions (OASIS's TLP 2.0 extension: fixed ids that
every STIX platform recognises) referenced by `object_marking_refs` on each unit, sighting and
location, so another platform enforces the level without knowing our extension; the level is also
kept as the unit's `tlp` property, which bundles from before the markings carry alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.errors import ValidationError
from liaison.courier.kinds.observations import receive_units
from liaison.courier.policy import get_policy, release
from liaison.orbat.partners import get_partner, get_self
from liaison.orbat.picture import get_picture
from liaison.store import audit

UNIT_TYPE = "x-liaison-military-unit"
EXTENSION_ID = "extension-definition--5b1f2b8e-6d0c-4e53-9a5e-0d1c3f7e2a11"
SCHEMA_URL = "https://liaison.invalid/stix/x-liaison-military-unit.json"
_NS = uuid.UUID("0f5e7c1a-3b2d-4c6e-8f90-a1b2c3d4e5f6")
_UNIT_FIELDS = ("unit_id", "designation", "echelon", "branch", "sidc")
_SIGHTING_FIELDS = ("place", "equipment", "strength", "source_reliability", "info_credibility")
TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_MARKINGS = {  # the OASIS TLP 2.0 marking-definition ids (cti-stix-common-objects)
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_BY_MARKING = {v: k for k, v in TLP2_MARKINGS.items()}


def _id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, '/'.join((kind, *parts)))}"


def stix_time(t: datetime) -> str:
    """A STIX timestamp: UTC, milliseconds, Z."""
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _stix_time(text: str | None) -> str | None:
    return stix_time(datetime.fromisoformat(text)) if text else None


def extension_definition() -> dict[str, Any]:
    """The extension definition: a new SDO for units, and a property extension for sightings."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": identity_id("LIAISON"),
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "Liaison military unit",
        "description": "A military unit as one partner knows it; observation facts on sightings.",
        "schema": SCHEMA_URL,
        "version": "1.0.0",
        "extension_types": ["new-sdo", "property-extension"],
    }


def tlp_marking(level: str) -> dict[str, Any]:
    """The standard TLP 2.0 marking definition for a level (CLEAR … RED)."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_MARKINGS[level],
        "created": "2022-10-01T00:00:00.000Z",
        "name": f"TLP:{level}",
        "extensions": {
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level.lower()}
        },
    }


def identity_id(partner: str) -> str:
    return _id("identity", partner.upper())


def _identity(partner: str, created: str) -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id(partner),
        "created": created,
        "modified": created,
        "name": partner.upper(),
        "identity_class": "organization",
    }


def export_bundle(partner: str, units: list[dict[str, Any]], created: datetime) -> dict[str, Any]:
    """A STIX 2.1 bundle of `partner`'s released units (dicts from `policy.release`)."""
    now = stix_time(created)
    author = identity_id(partner)
    objects: list[dict[str, Any]] = [
        _identity("LIAISON", "2026-01-01T00:00:00.000Z"),
        extension_definition(),
        _identity(partner, now),
    ]
    ids = {u["unit_id"]: _id(UNIT_TYPE, partner, u["unit_id"]) for u in units}
    rank = {lv: i for i, lv in enumerate(TLP2_MARKINGS)}
    levels = sorted({u["marking"]["tlp"] for u in units}, key=rank.__getitem__)
    objects += [tlp_marking(lv) for lv in levels]
    locations: dict[str, dict[str, Any]] = {}
    for u in units:
        marks = [TLP2_MARKINGS[u["marking"]["tlp"]]]
        sdo: dict[str, Any] = {
            "type": UNIT_TYPE,
            "spec_version": "2.1",
            "id": ids[u["unit_id"]],
            "created": now,
            "modified": now,
            "created_by_ref": author,
            "name": u["designation"],
            "extensions": {EXTENSION_ID: {"extension_type": "new-sdo"}},
            "object_marking_refs": marks,
            "tlp": u["marking"]["tlp"],
        }
        sdo.update({k: u[k] for k in _UNIT_FIELDS if u.get(k) is not None and k != "designation"})
        if u["marking"]["rel_to"]:
            sdo["rel_to"] = list(u["marking"]["rel_to"])
        if u.get("parent_id") in ids:  # both: the id survives a pull that lacks the parent
            sdo["parent_ref"] = ids[u["parent_id"]]
            sdo["parent_unit_id"] = u["parent_id"]
        objects.append(sdo)
        if not u.get("observed_at"):
            continue
        seen = _stix_time(u["observed_at"])
        sighting: dict[str, Any] = {
            "type": "sighting",
            "spec_version": "2.1",
            "id": _id("sighting", partner, u["unit_id"], u["observed_at"]),
            "created": now,
            "modified": now,
            "created_by_ref": author,
            "sighting_of_ref": sdo["id"],
            "first_seen": seen,
            "last_seen": seen,
            "count": 1,
            "object_marking_refs": marks,
        }
        facts = {k: u[k] for k in _SIGHTING_FIELDS if u.get(k) not in (None, {})}
        if facts:
            sighting["extensions"] = {
                EXTENSION_ID: {"extension_type": "property-extension", **facts}
            }
        if u.get("lat") is not None and u.get("lon") is not None:
            loc_id = _id("location", f"{u['lat']:.6f}", f"{u['lon']:.6f}")
            loc = locations.get(loc_id)
            if loc is None:
                loc = locations[loc_id] = {
                    "type": "location",
                    "spec_version": "2.1",
                    "id": loc_id,
                    "created": now,
                    "modified": now,
                    "latitude": float(u["lat"]),
                    "longitude": float(u["lon"]),
                    "object_marking_refs": marks,
                }
            elif rank[u["marking"]["tlp"]] > rank[_TLP_BY_MARKING[loc["object_marking_refs"][0]]]:
                loc["object_marking_refs"] = (
                    marks  # a shared place takes its strictest user's level
                )
            sighting["where_sighted_refs"] = [loc_id]
        objects.append(sighting)
    objects += locations.values()
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


def _tlp_of(o: dict[str, Any]) -> str:
    """A unit's level: its TLP 2.0 marking reference (the strictest if several), else the `tlp`
    property of older bundles; an unmarked unit is taken as RED (deny by default: it will not be
    passed on), and an unknown level is refused rather than guessed."""
    refs = o.get("object_marking_refs") or []
    found = [_TLP_BY_MARKING[r] for r in refs if r in _TLP_BY_MARKING]
    if found:
        order = list(TLP2_MARKINGS)
        return max(found, key=order.index)
    level = o.get("tlp", "RED")
    if level not in TLP2_MARKINGS:
        raise ValidationError(f"{o.get('id')}: unknown TLP level {level!r}")
    return str(level)


def import_bundle(bundle: Any) -> list[dict[str, Any]]:
    """Units (in the shape `policy.release` gives) from a bundle made by `export_bundle`."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise ValidationError("not a STIX bundle")
    objs = bundle.get("objects")
    if not isinstance(objs, list) or not all(isinstance(o, dict) and "id" in o for o in objs):
        raise ValidationError("STIX bundle without a list of objects")
    by_id = {o["id"]: o for o in objs}
    units = {o["id"]: o for o in objs if o.get("type") == UNIT_TYPE}
    latest: dict[str, dict[str, Any]] = {}
    for s in (o for o in objs if o.get("type") == "sighting"):
        ref = s.get("sighting_of_ref")
        if ref in units and (ref not in latest or s["first_seen"] > latest[ref]["first_seen"]):
            latest[ref] = s
    out = []
    for sid, o in units.items():
        if "unit_id" not in o or "name" not in o:
            raise ValidationError(f"{sid}: a military unit needs unit_id and name")
        parent = units.get(o.get("parent_ref", ""))
        u: dict[str, Any] = {k: o.get(k) for k in _UNIT_FIELDS}
        u["designation"] = o["name"]
        u["parent_id"] = parent["unit_id"] if parent else o.get("parent_unit_id")
        u["marking"] = {"tlp": _tlp_of(o), "rel_to": list(o.get("rel_to", []))}
        s = latest.get(sid, {})
        facts = s.get("extensions", {}).get(EXTENSION_ID, {})
        for k in _SIGHTING_FIELDS:
            u[k] = facts.get(k)
        u["equipment"] = u["equipment"] or {}
        u["observed_at"] = s.get("first_seen")
        loc = by_id.get((s.get("where_sighted_refs") or [""])[0], {})
        u["lat"], u["lon"] = loc.get("latitude"), loc.get("longitude")
        out.append(u)
    return sorted(out, key=lambda u: u["unit_id"])


def export_for(conn: Connection, partner: str, *, actor: str = "cli") -> dict[str, Any]:
    """Our picture as a STIX bundle, filtered by the release policy for `partner` (audited)."""
    me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves")
    code = get_partner(conn, partner).code
    units, withheld = release(get_picture(conn, me.code), get_policy(conn, code))
    audit.record(conn, actor, "stix.export", code, {"units": len(units), "withheld": withheld})
    return export_bundle(me.code, units, utcnow())


def import_from(conn: Connection, partner: str, bundle: Any, *, actor: str = "cli") -> int:
    """A partner's STIX bundle into its received picture; returns observations added.

    A bundle carries no signature: use it with platforms that cannot read pouches, over a
    channel that authenticates the partner (TAXII with its token), not from removable media.
    """
    code = get_partner(conn, partner).code
    n = receive_units(conn, code, import_bundle(bundle), utcnow())
    audit.record(conn, actor, "stix.import", code, {"observations": n})
    return n
