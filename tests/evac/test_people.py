"""The registry in the store: all-or-nothing import, roles, audited listings, reversible merges,
blocks that never overlap, and the personal-data rule (no religion or ethnicity anywhere)."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.core.errors import ConflictError, SecurityError, ValidationError
from liaison.evac import issuing, people, seal
from liaison.evac.people import Actor
from liaison.store import Store, audit
from liaison.store.schema import metadata
from liaison.store.schema.audit import audit as audit_table

DEMO = Path(__file__).parents[2] / "src/liaison/data/evac/persons.csv"
REG = Actor("reg", "registrar")


def _imported(store: Store) -> None:
    with store.begin() as conn:
        rep = people.import_persons(conn, DEMO, "reg")
    assert (rep.new, rep.groups_new) == (12, 3)


def test_reimport_identical_is_skipped_changed_is_refused(store: Store, tmp_path: Path) -> None:
    _imported(store)
    with store.begin() as conn:
        assert people.import_persons(conn, DEMO, "reg").to_dict() == {
            "new": 0,
            "unchanged": 12,
            "groups_new": 0,
        }
    changed = tmp_path / "p.csv"
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("1909-11-20", "1909-11-21")
    lines.append("K099,Nowak,Jan,1920-01-01,,PL,,pl,,K404,registered")
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e, store.begin() as conn:
        people.import_persons(conn, changed, "reg")
    assert "line 14: column guardian_id: unknown person 'K404'" in str(e.value)
    changed.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e, store.begin() as conn:
        people.import_persons(conn, changed, "reg")
    assert "line 3: column birth_date: person K002 is already registered" in str(e.value)
    with store.connect() as conn:
        assert people.counts(conn)["persons"] == 12  # K099 not half-imported


def test_roles_are_checked_in_the_library(store: Store, tmp_path: Path) -> None:
    _imported(store)
    with store.begin() as conn:
        with pytest.raises(SecurityError):
            people.list_persons(conn, Actor("eve", "viewer"))
        with pytest.raises(SecurityError):
            people.export_persons(conn, tmp_path / "x.csv", Actor("ann", "analyst"))
        with pytest.raises(SecurityError):
            issuing.list_documents(conn, Actor("eve", "checkpoint"))
    assert not (tmp_path / "x.csv").exists()
    with store.begin() as conn:
        assert people.export_persons(conn, tmp_path / "x.csv", REG) == 12
        assert len(people.list_persons(conn, Actor("ann", "analyst"))) == 12
        assert len(people.duplicate_candidates(conn, Actor("ann", "analyst"), 0.75)) >= 2
    with store.connect() as conn:
        rows = conn.execute(sa.select(audit_table.c.actor, audit_table.c.action)).all()
        assert audit.verify(conn).ok
    assert rows.count(("ann", "evac.persons.list")) == 1
    assert ("ann", "evac.persons.duplicates") in rows and ("reg", "evac.persons.export") in rows


def test_merges_are_reviewable_and_undoable(store: Store) -> None:
    _imported(store)
    with store.begin() as conn:
        mid = people.merge(conn, "K006", "K007", "rev", note="same man, Kowno = Kaunas")
        assert people.active_merges(conn) == {"K007": "K006"}
        with pytest.raises(ConflictError):
            people.merge(conn, "K007", "K006", "rev")  # would loop
        ids = {p.person_id for p in people.list_persons(conn, REG)}
        assert "K007" not in ids and "K006" in ids
        assert "K007" not in {m for g in people.travel_groups(conn).values() for m in g}
        people.undo_merge(conn, mid, "rev2")
        with pytest.raises(ConflictError):
            people.undo_merge(conn, mid, "rev2")
        assert people.active_merges(conn) == {}
        log = people.merge_log(conn)
    assert [m["undoes"] for m in log] == [None, mid] and log[0]["by"] == "rev"


def test_blocks_numbers_and_revocation(store: Store) -> None:
    _imported(store)
    iss = seal.Issuer.generate("JP-KAUNAS", "Consulate")
    with store.begin() as conn:
        issuing.allocate_block(conn, "KAU", 1, 5, "adm")
        issuing.allocate_block(conn, "VLA", 6, 100, "adm")
        with pytest.raises(ConflictError):
            issuing.allocate_block(conn, "TSU", 100, 200, "adm")
        a = issuing.issue(
            conn,
            iss,
            "KAU",
            ["Kaunas", "Kobe"],
            date(1940, 8, 1),
            date(1940, 9, 1),
            "c",
            ["K001", "K002"],
        )
        b = issuing.issue(
            conn, iss, "VLA", ["Kaunas", "Kobe"], date(1940, 8, 1), date(1940, 9, 1), "c", ["K003"]
        )
        with pytest.raises(ConflictError, match="numbers left"):
            issuing.issue(conn, iss, "KAU", ["Kobe"], date(1940, 8, 1), date(1940, 9, 1), "c")
        assert [d.number for d in a] == ["KAU0000011", "KAU0000022"]
        assert b[0].number.startswith("VLA000006")
        issuing.revoke(conn, a[1].number, "c", "stolen")
        with pytest.raises(ValidationError):
            issuing.revoke(conn, "KAU0000012", "c")  # bad check digit
        assert issuing.revoked(conn) == {"JP-KAUNAS": [a[1].number]}
        assert issuing.validity_by_person(conn) == {
            "K001": date(1940, 9, 1),
            "K003": date(1940, 9, 1),
        }
        assert issuing.blocks(conn)[0].next == 3
        rest = issuing.issue(conn, iss, "VLA", ["Kobe"], date(1940, 8, 1), date(1940, 9, 1), "c")
        assert len(rest) == 10  # K002 (revoked) and 9 others; K001 and K003 already hold one
        assert "K001" not in {d.person_id for d in rest} and "K002" in {d.person_id for d in rest}


def test_no_religion_or_ethnicity_column() -> None:
    cols = {
        c.name for t in metadata.tables.values() if t.name.startswith("evac_") for c in t.columns
    }
    assert not {c for c in cols if any(w in c for w in ("relig", "ethn", "race", "faith"))}
    assert not {f for f in seal.FIELDS if any(w in f for w in ("relig", "ethn"))}


def test_departures_import_all_or_nothing(store: Store, tmp_path: Path) -> None:
    from liaison.evac import routes

    bad = tmp_path / "deps.csv"
    bad.write_text(
        "dep_id,leg,from,to,mode,day,arrive,seats\n"
        "R1,0,Kaunas,Moscow,rail,1940-08-01,1940-08-02,40\n"
        "R2,0,Kaunas,Minsk,rail,1940-08-03,1940-08-04,40\n"
        "S1,2,Vladivostok,Tsuruga,zeppelin,1940-08-15,1940-08-14,-3\n"
        "R1,0,Kaunas,Moscow,rail,1940-08-01,1940-08-02,40\n"
    )
    with pytest.raises(ValidationError) as e, store.begin() as conn:
        routes.import_departures(conn, bad)
    msg = str(e.value)
    assert "line 3: column from/to: leg 0 runs Kaunas → Moscow, not Kaunas → Minsk" in msg
    assert "line 4: column mode" in msg and "line 5: column dep_id: duplicate" in msg
    with store.connect() as conn:
        assert routes.departures(conn) == [] and routes.route(conn) == []
