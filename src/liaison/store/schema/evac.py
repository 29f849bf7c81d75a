"""Evacuation: persons and groups, merges, number blocks, documents, revocations, route, tracking.

Personal data is limited to what the registry needs (names in native script and ICAO form, birth
date and place, nationality, documents held, languages, group, status) — there is no column for
religion or ethnicity, on purpose. Reviewer merges and checkpoint events are append-only: an undo
is a new merge row pointing at the one it undoes; an event is keyed by (device, seq) so logs
recorded offline on several devices merge without loss or duplication.
"""

import sqlalchemy as sa

from liaison.store.schema.base import metadata
from liaison.store.types import UTCDateTime

evac_group = sa.Table(
    "evac_group",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # family | children (with a guardian)
    sa.Column("guardian_id", sa.String(64), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

evac_person = sa.Table(
    "evac_person",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("surname", sa.String(200), nullable=False),
    sa.Column("given_names", sa.String(200), nullable=False),
    sa.Column("surname_icao", sa.String(200), nullable=False),
    sa.Column("given_names_icao", sa.String(200), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("birth_place", sa.String(200), nullable=False, server_default=""),
    sa.Column("nationality", sa.String(64), nullable=False, server_default=""),
    sa.Column("documents", sa.JSON, nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("group_id", sa.String(64), sa.ForeignKey("evac_group.id"), nullable=True),
    sa.Column("guardian_id", sa.String(64), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("destination", sa.String(200), nullable=False, server_default=""),  # 0051
)
sa.Index("ix_evac_person_group", evac_person.c.group_id)

evac_merge = sa.Table(
    "evac_merge",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("keep_id", sa.String(64), sa.ForeignKey("evac_person.id"), nullable=False),
    sa.Column("drop_id", sa.String(64), sa.ForeignKey("evac_person.id"), nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("decided_by", sa.String(100), nullable=False),
    sa.Column("decided_at", UTCDateTime, nullable=False),
    sa.Column("undoes", sa.String(36), sa.ForeignKey("evac_merge.id"), nullable=True),
)

evac_block = sa.Table(
    "evac_block",
    metadata,
    sa.Column("station", sa.String(8), primary_key=True),
    sa.Column("serial_first", sa.Integer, nullable=False),
    sa.Column("serial_last", sa.Integer, nullable=False),
    sa.Column("next_serial", sa.Integer, nullable=False),
    sa.Column("allocated_at", UTCDateTime, nullable=False),
    sa.Column("allocated_by", sa.String(100), nullable=False),
)

evac_document = sa.Table(
    "evac_document",
    metadata,
    sa.Column("number", sa.String(16), primary_key=True),
    sa.Column("person_id", sa.String(64), sa.ForeignKey("evac_person.id"), nullable=False),
    sa.Column("station", sa.String(8), sa.ForeignKey("evac_block.station"), nullable=False),
    sa.Column("issuer_kid", sa.String(64), nullable=False),
    sa.Column("route", sa.JSON, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date, nullable=False),
    sa.Column("qr", sa.Text, nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("issued_by", sa.String(100), nullable=False),
    # 0051: transit | destination | family; a transit document rests on a destination document
    sa.Column("kind", sa.String(16), nullable=False, server_default="transit"),
    sa.Column("rests_on", sa.String(16), nullable=True),
    sa.Column("members", sa.JSON, nullable=True),  # family: person ids covered, head first
    sa.Column("destination", sa.String(200), nullable=False, server_default=""),
)
sa.Index("ix_evac_document_person", evac_document.c.person_id)

evac_revocation = sa.Table(
    "evac_revocation",
    metadata,
    sa.Column("number", sa.String(16), primary_key=True),
    sa.Column("issuer_kid", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("revoked_at", UTCDateTime, nullable=False),
    sa.Column("revoked_by", sa.String(100), nullable=False),
    sa.Column("received_from", sa.String(16), nullable=True),  # 0051: partner, via a pouch
)

evac_leg = sa.Table(
    "evac_leg",
    metadata,
    sa.Column("leg", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("from_place", sa.String(200), nullable=False),
    sa.Column("to_place", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
)

evac_departure = sa.Table(
    "evac_departure",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("leg", sa.Integer, sa.ForeignKey("evac_leg.leg"), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("arrive", sa.Date, nullable=False),
    sa.Column("seats", sa.Integer, nullable=False),
)

evac_plan = sa.Table(
    "evac_plan",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("placed_people", sa.Integer, nullable=False),
    sa.Column("gap", sa.Float, nullable=True),
    sa.Column("left", sa.JSON, nullable=False),  # {group: reason}
    sa.Column("made_at", UTCDateTime, nullable=False),
    sa.Column("made_by", sa.String(100), nullable=False),
)

evac_assignment = sa.Table(
    "evac_assignment",
    metadata,
    sa.Column("plan_id", sa.String(36), sa.ForeignKey("evac_plan.id"), primary_key=True),
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("leg", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("departure_id", sa.String(64), sa.ForeignKey("evac_departure.id"), nullable=False),
    sa.Column("people", sa.Integer, nullable=False),
)

evac_event = sa.Table(
    "evac_event",
    metadata,
    sa.Column("device", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("subject", sa.String(64), nullable=False),  # group id, or person id if alone
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("place", sa.String(200), nullable=False),
    sa.Column("departure_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
)
sa.Index("ix_evac_event_subject", evac_event.c.subject)

# ---- 0051_evac_onward ---------------------------------------------------------------------------
#: A person at risk: seen only by registrars and admins, never exported or released, seated first.
evac_protection = sa.Table(
    "evac_protection",
    metadata,
    sa.Column("person_id", sa.String(64), sa.ForeignKey("evac_person.id"), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("set_by", sa.String(100), nullable=False),
    sa.Column("set_at", UTCDateTime, nullable=False),
)

#: Reception at the destination: append-only, the latest row per person is its state.
evac_reception = sa.Table(
    "evac_reception",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(64), sa.ForeignKey("evac_person.id"), nullable=False),
    sa.Column("place", sa.String(200), nullable=False),
    sa.Column("shelter", sa.String(200), nullable=False, server_default=""),
    sa.Column("contact", sa.String(200), nullable=False, server_default=""),
    sa.Column("onward", sa.String(32), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
)
sa.Index("ix_evac_reception_person", evac_reception.c.person_id)

#: Persons another organisation released to us in a pouch (for family tracing), kept apart.
evac_foreign_person = sa.Table(
    "evac_foreign_person",
    metadata,
    sa.Column("partner_code", sa.String(16), primary_key=True),
    sa.Column("person_id", sa.String(64), primary_key=True),
    sa.Column("surname", sa.String(200), nullable=False),
    sa.Column("given_names", sa.String(200), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("family_id", sa.String(64), nullable=False, server_default=""),
    sa.Column("destination", sa.String(200), nullable=False, server_default=""),
    sa.Column("received_at", UTCDateTime, nullable=False),
)

#: Whether persons may go to a partner at all (deny by default: no row, no persons).
evac_release = sa.Table(
    "evac_release",
    metadata,
    sa.Column("partner_code", sa.String(16), primary_key=True),
    sa.Column("persons", sa.Boolean, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

#: Trust lists: ours as published by `evac trust --publish` (partner_code empty), and partners'
#: received in pouches (their root key as their courier key vouched for it), newest kept.
evac_trust = sa.Table(
    "evac_trust",
    metadata,
    sa.Column("partner_code", sa.String(16), primary_key=True),  # "" = ours
    sa.Column("issued_at", UTCDateTime, primary_key=True),
    sa.Column("root_pub", sa.String(64), nullable=False),
    sa.Column("trust_list", sa.LargeBinary, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
)
