"""Evacuation: persons, groups, merges, number blocks, documents, revocations, route, plans, events.

Revision ID: 0050_evac
Revises: 0001_orbat
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0050_evac"
down_revision = "0001_orbat"
branch_labels = ("evac",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evac_block",
        sa.Column("station", sa.String(length=8), nullable=False),
        sa.Column("serial_first", sa.Integer(), nullable=False),
        sa.Column("serial_last", sa.Integer(), nullable=False),
        sa.Column("next_serial", sa.Integer(), nullable=False),
        sa.Column("allocated_at", UTCDateTime(), nullable=False),
        sa.Column("allocated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("station", name=op.f("pk_evac_block")),
    )
    op.create_table(
        "evac_event",
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("departure_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device", "seq", name=op.f("pk_evac_event")),
    )
    op.create_index("ix_evac_event_subject", "evac_event", ["subject"], unique=False)
    op.create_table(
        "evac_group",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("guardian_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evac_group")),
    )
    op.create_table(
        "evac_leg",
        sa.Column("leg", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("from_place", sa.String(length=200), nullable=False),
        sa.Column("to_place", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("leg", name=op.f("pk_evac_leg")),
    )
    op.create_table(
        "evac_plan",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("placed_people", sa.Integer(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("left", sa.JSON(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("made_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evac_plan")),
    )
    op.create_table(
        "evac_revocation",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("issuer_kid", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_evac_revocation")),
    )
    op.create_table(
        "evac_departure",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("leg", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("arrive", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leg"], ["evac_leg.leg"], name=op.f("fk_evac_departure_leg_evac_leg")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evac_departure")),
    )
    op.create_table(
        "evac_person",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("surname", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("surname_icao", sa.String(length=200), nullable=False),
        sa.Column("given_names_icao", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birth_place", sa.String(length=200), server_default="", nullable=False),
        sa.Column("nationality", sa.String(length=64), server_default="", nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=True),
        sa.Column("guardian_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["evac_group.id"], name=op.f("fk_evac_person_group_id_evac_group")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evac_person")),
    )
    op.create_index("ix_evac_person_group", "evac_person", ["group_id"], unique=False)
    op.create_table(
        "evac_assignment",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("leg", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("departure_id", sa.String(length=64), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["evac_departure.id"],
            name=op.f("fk_evac_assignment_departure_id_evac_departure"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["evac_plan.id"], name=op.f("fk_evac_assignment_plan_id_evac_plan")
        ),
        sa.PrimaryKeyConstraint("plan_id", "subject", "leg", name=op.f("pk_evac_assignment")),
    )
    op.create_table(
        "evac_document",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("station", sa.String(length=8), nullable=False),
        sa.Column("issuer_kid", sa.String(length=64), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("qr", sa.Text(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["evac_person.id"], name=op.f("fk_evac_document_person_id_evac_person")
        ),
        sa.ForeignKeyConstraint(
            ["station"], ["evac_block.station"], name=op.f("fk_evac_document_station_evac_block")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_evac_document")),
    )
    op.create_index("ix_evac_document_person", "evac_document", ["person_id"], unique=False)
    op.create_table(
        "evac_merge",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("keep_id", sa.String(length=64), nullable=False),
        sa.Column("drop_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("undoes", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["drop_id"], ["evac_person.id"], name=op.f("fk_evac_merge_drop_id_evac_person")
        ),
        sa.ForeignKeyConstraint(
            ["keep_id"], ["evac_person.id"], name=op.f("fk_evac_merge_keep_id_evac_person")
        ),
        sa.ForeignKeyConstraint(
            ["undoes"], ["evac_merge.id"], name=op.f("fk_evac_merge_undoes_evac_merge")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evac_merge")),
    )


def downgrade() -> None:
    op.drop_table("evac_merge")
    op.drop_index("ix_evac_document_person", table_name="evac_document")
    op.drop_table("evac_document")
    op.drop_table("evac_assignment")
    op.drop_index("ix_evac_person_group", table_name="evac_person")
    op.drop_table("evac_person")
    op.drop_table("evac_departure")
    op.drop_table("evac_revocation")
    op.drop_table("evac_plan")
    op.drop_table("evac_leg")
    op.drop_table("evac_group")
    op.drop_index("ix_evac_event_subject", table_name="evac_event")
    op.drop_table("evac_event")
    op.drop_table("evac_block")
