"""The shipped demo scenario: PL and JP pictures of Soviet forces around 1938 (illustrative)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy.engine import Connection

from liaison.core.markings import Marking
from liaison.orbat import importer, partners

PARTNERS = (
    ("PL", "Polish General Staff, 2nd Department", True, "pl"),
    ("JP", "Imperial Japanese Army General Staff, 2nd Bureau", False, "ja"),
)


def scenario_dir() -> Path:
    return Path(str(resources.files("liaison") / "data" / "scenario"))


def is_empty(conn: Connection) -> bool:
    return not partners.list_partners(conn)


def load_demo(conn: Connection, actor: str = "demo") -> list[importer.ImportReport]:
    """Create the two partners and import their pictures (PL is us)."""
    reports = []
    for code, name, is_self, lang in PARTNERS:
        partners.add_partner(conn, code, name, is_self=is_self, language=lang, actor=actor)
        reports.append(
            importer.import_file(
                conn,
                scenario_dir() / f"{code.lower()}.csv",
                code,
                allow_unplaced=True,
                marking=Marking("AMBER", ("JP", "PL")),
                actor=actor,
            )
        )
    return reports
