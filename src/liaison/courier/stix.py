"""STIX 2.1 bundles of released units, in objects every STIX platform keeps.

Export takes units already filtered by the release policy (`policy.release`), so a bundle never
carries more than a pouch would. Each unit is an `identity` of class `organization` (the standard
object for a named body, which MISP, OpenCTI and others keep) with Liaison's facts — unit id,
echelon, branch, SIDC, TLP, REL TO, parent — in a property extension of our extension definition;
its parent is a `relationship` (`subordinate-to`); its latest observation is a `sighting` of it
(facts in the same property extension) and, when the position is known, a `location` tied to the
unit by a `located-at` relationship and named in the sighting. Identifiers are UUIDv5 over partner
and unit id, so the same unit keeps the same STIX id from one export to the next.

TLP travels as the standard TLP 2.0 marking definitions (OASIS's TLP 2.0 extension: fixed ids that
every STIX platform recognises) referenced by `object_marking_refs` on each unit, sighting,
relationship and location, so another platform enforces the level without knowing our extension.

Bundles made before units were identities (a custom SDO `x-liaison-military-unit`) still import.
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
    """The extension definition: Liaison's facts as a property extension of units and sightings."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": identity_id("LIAISON"),
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-12-07T00:00:00.000Z",
        "name": "Liaison military unit",
        "description": "A military unit as one partner knows it (on an identity of class "
        "organization); observation facts on its sightings.",
        "schema": SCHEMA_URL,
        "version": "2.0.0",
        "extension_types": ["property-extension"],
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


def unit_facts(o: dict[str, Any]) -> dict[str, Any] | None:
    """Liaison's unit facts on a STIX object, or None if it is not a unit: an identity carrying our
    property extension, or (bundles of before) an `x-liaison-military-unit` object itself."""
    if o.get("type") == UNIT_TYPE:
        return o
    if o.get("type") == "identity":
        ext = (o.get("extensions") or {}).get(EXTENSION_ID)
        if isinstance(ext, dict) and "unit_id" in ext:
            return ext
    return None


def _unit_stix_id(partner: str, unit_id: str) -> str:
    return _id("identity", "unit", partner, unit_id)


def _relationship(
    kind: str, source: str, target: str, now: str, author: str, marks: list[str]
) -> dict[str, Any]:
    return {
        "type": "relationship",
        "spec_version": "2.1",
        "id": _id("relationship", kind, source, target),
        "created": now,
        "modified": now,
        "created_by_ref": author,
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
        "object_marking_refs": marks,
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
    ids = {u["unit_id"]: _unit_stix_id(partner, u["unit_id"]) for u in units}
    rank = {lv: i for i, lv in enumerate(TLP2_MARKINGS)}
    levels = sorted({u["marking"]["tlp"] for u in units}, key=rank.__getitem__)
    objects += [tlp_marking(lv) for lv in levels]
    locations: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for u in units:
        marks = [TLP2_MARKINGS[u["marking"]["tlp"]]]
        facts: dict[str, Any] = {"extension_type": "property-extension"}
        facts.update({k: u[k] for k in _UNIT_FIELDS if u.get(k) is not None and k != "designation"})
        facts["tlp"] = u["marking"]["tlp"]
        if u["marking"]["rel_to"]:
            facts["rel_to"] = list(u["marking"]["rel_to"])
        if u.get("parent_id") in ids:  # both: the id survives a pull that lacks the parent
            facts["parent_unit_id"] = u["parent_id"]
            links.append(
                _relationship(
                    "subordinate-to", ids[u["unit_id"]], ids[u["parent_id"]], now, author, marks
                )
            )
        what = " ".join(str(u[k]) for k in ("echelon", "branch") if u.get(k))
        objects.append(
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": ids[u["unit_id"]],
                "created": now,
                "modified": now,
                "created_by_ref": author,
                "name": u["designation"],
                "description": f"Military unit ({what or 'echelon unknown'}) as {partner} knows it",
                "identity_class": "organization",
                "sectors": ["defense"],
                "object_marking_refs": marks,
                "extensions": {EXTENSION_ID: facts},
            }
        )
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
            "sighting_of_ref": ids[u["unit_id"]],
            "first_seen": seen,
            "last_seen": seen,
            "count": 1,
            "object_marking_refs": marks,
        }
        seen_facts = {k: u[k] for k in _SIGHTING_FIELDS if u.get(k) not in (None, {})}
        if seen_facts:
            sighting["extensions"] = {
                EXTENSION_ID: {"extension_type": "property-extension", **seen_facts}
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
                if u.get("place"):
                    loc["name"] = str(u["place"])
            elif rank[u["marking"]["tlp"]] > rank[_TLP_BY_MARKING[loc["object_marking_refs"][0]]]:
                loc["object_marking_refs"] = (
                    marks  # a shared place takes its strictest user's level
                )
            sighting["where_sighted_refs"] = [loc_id]
            links.append(_relationship("located-at", ids[u["unit_id"]], loc_id, now, author, marks))
        objects.append(sighting)
    objects += locations.values()
    objects += links
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}


def _tlp_of(o: dict[str, Any], facts: dict[str, Any]) -> str:
    """A unit's level: its TLP 2.0 marking reference (the strictest if several), else the `tlp`
    property of older bundles; an unmarked unit is taken as RED (deny by default: it will not be
    passed on), and an unknown level is refused rather than guessed."""
    refs = o.get("object_marking_refs") or []
    found = [_TLP_BY_MARKING[r] for r in refs if r in _TLP_BY_MARKING]
    if found:
        order = list(TLP2_MARKINGS)
        return max(found, key=order.index)
    level = facts.get("tlp", "RED")
    if level not in TLP2_MARKINGS:
        raise ValidationError(f"{o.get('id')}: unknown TLP level {level!r}")
    return str(level)


def import_bundle(bundle: Any) -> list[dict[str, Any]]:
    """Units (in the shape `policy.release` gives) from a bundle made by `export_bundle`, or by
    the versions before it (custom `x-liaison-military-unit` objects)."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise ValidationError("not a STIX bundle")
    objs = bundle.get("objects")
    if not isinstance(objs, list) or not all(isinstance(o, dict) and "id" in o for o in objs):
        raise ValidationError("STIX bundle without a list of objects")
    by_id = {o["id"]: o for o in objs}
    units = {o["id"]: o for o in objs if unit_facts(o) is not None}
    latest: dict[str, dict[str, Any]] = {}
    for s in (o for o in objs if o.get("type") == "sighting"):
        ref = s.get("sighting_of_ref")
        if ref in units and (ref not in latest or s["first_seen"] > latest[ref]["first_seen"]):
            latest[ref] = s
    parents: dict[str, str] = {}
    placed: dict[str, str] = {}
    for r in (o for o in objs if o.get("type") == "relationship"):
        if r.get("relationship_type") == "subordinate-to" and r.get("target_ref") in units:
            parents[r.get("source_ref", "")] = r["target_ref"]
        elif r.get("relationship_type") == "located-at":
            placed[r.get("source_ref", "")] = r.get("target_ref", "")
    out = []
    for sid, o in units.items():
        facts = unit_facts(o) or {}
        if not isinstance(facts.get("unit_id"), str) or not isinstance(o.get("name"), str):
            raise ValidationError(f"{sid}: a military unit needs unit_id and name")
        parent = units.get(parents.get(sid) or o.get("parent_ref", ""))
        u: dict[str, Any] = {k: facts.get(k) for k in _UNIT_FIELDS}
        u["designation"] = o["name"]
        parent_facts = unit_facts(parent) if parent else None
        u["parent_id"] = parent_facts["unit_id"] if parent_facts else facts.get("parent_unit_id")
        rel_to = facts.get("rel_to", [])
        if not isinstance(rel_to, list) or not all(isinstance(x, str) for x in rel_to):
            raise ValidationError(f"{sid}: rel_to must be a list of partner codes")
        u["marking"] = {"tlp": _tlp_of(o, facts), "rel_to": list(rel_to)}
        s = latest.get(sid, {})
        seen = s.get("extensions", {}).get(EXTENSION_ID, {})
        for k in _SIGHTING_FIELDS:
            u[k] = seen.get(k)
        u["equipment"] = u["equipment"] or {}
        u["observed_at"] = s.get("first_seen")
        loc = by_id.get((s.get("where_sighted_refs") or [placed.get(sid, "")])[0], {})
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
