"""Evacuation onward: destinations, destination and family documents, protection, reception,
persons received from other organisations, revocations received in pouches, release of persons,
trust lists published and received.

Revision ID: 0051_evac_onward
Revises: 0050_evac
"""

import sqlalchemy as sa
from alembic import op

from liaison.store.types import UTCDateTime

revision = "0051_evac_onward"
down_revision = "0050_evac"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "evac_person",
        sa.Column("destination", sa.String(length=200), server_default="", nullable=False),
    )
    op.add_column(
        "evac_document",
        sa.Column("kind", sa.String(length=16), server_default="transit", nullable=False),
    )
    op.add_column("evac_document", sa.Column("rests_on", sa.String(length=16), nullable=True))
    op.add_column("evac_document", sa.Column("members", sa.JSON(), nullable=True))
    op.add_column(
        "evac_document",
        sa.Column("destination", sa.String(length=200), server_default="", nullable=False),
    )
    op.add_column(
        "evac_revocation", sa.Column("received_from", sa.String(length=16), nullable=True)
    )
    op.create_table(
        "evac_protection",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["evac_person.id"], name=op.f("fk_evac_protection_person_id_evac_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_evac_protection")),
    )
    op.create_table(
        "evac_reception",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("shelter", sa.String(length=200), server_default="", nullable=False),
        sa.Column("contact", sa.String(length=200), server_default="", nullable=False),
        sa.Column("onward", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["evac_person.id"], name=op.f("fk_evac_reception_person_id_evac_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evac_reception")),
    )
    op.create_index("ix_evac_reception_person", "evac_reception", ["person_id"])
    op.create_table(
        "evac_foreign_person",
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("surname", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("family_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("destination", sa.String(length=200), server_default="", nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_code", "person_id", name=op.f("pk_evac_foreign_person")),
    )
    op.create_table(
        "evac_release",
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("persons", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_code", name=op.f("pk_evac_release")),
    )
    op.create_table(
        "evac_trust",
        sa.Column("partner_code", sa.String(length=16), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("root_pub", sa.String(length=64), nullable=False),
        sa.Column("trust_list", sa.LargeBinary(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_code", "issued_at", name=op.f("pk_evac_trust")),
    )


def downgrade() -> None:
    op.drop_table("evac_trust")
    op.drop_table("evac_release")
    op.drop_table("evac_foreign_person")
    op.drop_index("ix_evac_reception_person", table_name="evac_reception")
    op.drop_table("evac_reception")
    op.drop_table("evac_protection")
    with op.batch_alter_table("evac_revocation") as b:
        b.drop_column("received_from")
    with op.batch_alter_table("evac_document") as b:
        b.drop_column("destination")
        b.drop_column("members")
        b.drop_column("rests_on")
        b.drop_column("kind")
    with op.batch_alter_table("evac_person") as b:
        b.drop_column("destination")
