"""From a folder of documents (text, HTML, feed, Telegram export, PDF) to accepted observations in
the picture, on SQLite and PostgreSQL: re-ingesting adds nothing, bad input leaves nothing, every
review decision is audited, and a decision taken on an outdated view is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.core.errors import ConflictError, ValidationError
from liaison.orbat.picture import get_picture, history
from liaison.osint import archive, ingest, review
from liaison.store import Store
from liaison.store import audit as audit_log
from liaison.store.schema.audit import audit
from liaison.store.schema.osint import (
    osint_candidate,
    osint_decision,
    osint_document,
    osint_mention,
    osint_provenance,
)

from .folder import build_picture, make_folder


def _count(store: Store, table: sa.Table) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _ingest_all(store: Store, folders: dict[str, Path]) -> list[ingest.Report]:
    return [
        ingest.ingest(store, "PL", ingest.expand([str(f)]), source=src, actor="anna", workers=1)
        for src, f in folders.items()
    ]


@pytest.fixture
def world(store: Store, tmp_path: Path) -> tuple[Store, dict[str, Path]]:
    build_picture(store)
    return store, make_folder(tmp_path / "docs")


def test_folder_to_accepted_observations(world: tuple[Store, dict[str, Path]]) -> None:
    store, folders = world
    reports = _ingest_all(store, folders)
    assert all(not r.failed for r in reports), [r.failed for r in reports]
    # text 1 + html 1 + feed items 2 + channel messages 2 (the service entry is no message) + pdf 1
    assert _count(store, osint_document) == 7
    with store.connect() as conn:
        kinds = {d["kind"] for d in archive.list_documents(conn)}
        pending = review.list_candidates(conn, ["PL"])
    assert kinds == {"text", "html", "feed", "telegram", "pdf"}
    tank = [c for c in pending if c["unit"] == "pl-1"]
    assert len(tank) == 1, pending
    c = tank[0]
    # the news text and the channel are two independent sources for the tank army at Belgorod
    assert c["place"] == "Belgorod" and c["valid_at"].startswith("2024-03-12")
    assert c["corroboration"] >= 2 and c["credibility"] == 1 and c["reliability"] == "B"
    # the division's report is single-source and far from where the picture had it weeks ago
    div = next(x for x in pending if x["unit"] == "pl-2")
    assert div["credibility"] == 3 and any("may have moved" in r for r in div["reasons"])
    # a unit the picture does not hold is proposed new
    assert any(x["new_unit"] and x["echelon"] == "army" for x in pending)

    with store.begin() as conn:
        shown = review.show(conn, c["id"])
        out = review.accept(conn, c["id"], actor="anna", revision=shown["revision"])
    oid = out["observation_id"]
    with store.connect() as conn:
        u = get_picture(conn, "PL").units["pl-1"]
        assert (round(u.lat, 1), round(u.lon, 1)) == (50.6, 36.6)
        assert u.credibility == 1 and u.reliability == "B"
        assert "Belgorod" in (u.place or "") or "Белгород" in (u.place or "")
        last = history(conn, "PL", "pl-1")[-1]
        assert last["observation_id"] == oid and "OSINT candidate" in last["notes"]
        prov = review.provenance(conn, oid)
        assert len(prov) >= 2
        for p in prov:  # each provenance row names a document, offsets into its text and a quote
            text = archive.document(conn, p["document"])["text"]
            span = text[p["start"] : p["end"]]
            assert "танковой армии" in span or "Panzerarmee" in span  # Russian text, German feed
            assert span in p["quote"]
        assert review.show(conn, c["id"])["status"] == "accepted"


def test_reingest_adds_nothing(world: tuple[Store, dict[str, Path]]) -> None:
    store, folders = world
    _ingest_all(store, folders)
    before = (
        _count(store, osint_document),
        _count(store, osint_mention),
        _count(store, osint_candidate),
        _count(store, audit),
    )
    again = _ingest_all(store, folders)
    assert sum(sum(len(s.documents) for s in r.stored) for r in again) == 0
    assert sum(sum(s.skipped for s in r.stored) for r in again) == 7
    after = (
        _count(store, osint_document),
        _count(store, osint_mention),
        _count(store, osint_candidate),
        _count(store, audit),
    )
    assert after == before


BAD = {
    "broken.xml": '<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title>',
    "result.json": '{"name": "c", "messages": [{"id": 1, "type": "message", "text": [{"type": "bold"}]}]}',
    "fake.pdf": "%PDF-1.7\nthis is not a PDF at all\n",
    "notafeed.rss": "this is plain text, not XML at all",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_leaves_nothing(
    world: tuple[Store, dict[str, Path]], tmp_path: Path, name: str
) -> None:
    store, _ = world
    f = tmp_path / "bad" / name
    f.parent.mkdir()
    f.write_text(BAD[name], "utf-8")
    before = (_count(store, osint_document), _count(store, osint_mention), _count(store, audit))
    rep = ingest.ingest(store, "PL", ingest.expand([str(f)]), source="NEWS", actor="anna")
    assert len(rep.failed) == 1 and not rep.stored
    origin, message = rep.failed[0]
    assert name in message and "Traceback" not in message
    after = (_count(store, osint_document), _count(store, osint_mention), _count(store, audit))
    assert after == before


def test_missing_input_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as ei:
        ingest.expand([str(tmp_path / "nope.txt"), "https://example.invalid/x.html"])
    text = str(ei.value)
    assert "nope.txt: no such file" in text and "--fetch" in text


def test_decisions_are_audited_and_apply_to_the_revision_shown(
    world: tuple[Store, dict[str, Path]],
) -> None:
    store, folders = world
    _ingest_all(store, folders)
    with store.connect() as conn:
        pending = review.list_candidates(conn, ["PL"])
    new = next(c for c in pending if c["new_unit"])
    div = next(c for c in pending if c["unit"] == "pl-2")
    with store.begin() as conn, pytest.raises(ConflictError, match="changed since you saw it"):
        review.accept(conn, div["id"], actor="anna", revision=div["revision"] + 1)
    with store.begin() as conn:
        edited = review.edit(
            conn, new["id"], {"credibility": 2, "place": "Pskov"}, actor="anna",
            revision=new["revision"], comment="checked the map",
        )  # fmt: skip
    assert edited["revision"] == new["revision"] + 1 and edited["credibility"] == 2
    with store.begin() as conn, pytest.raises(ConflictError):  # the old view decides nothing
        review.accept(conn, new["id"], actor="anna", revision=new["revision"])
    with store.begin() as conn:
        acc = review.accept(conn, new["id"], actor="anna", revision=edited["revision"])
        review.reject(conn, div["id"], actor="boris", revision=div["revision"], comment="stale")
    with store.begin() as conn, pytest.raises(ConflictError, match="already rejected"):
        review.accept(conn, div["id"], actor="anna")
    assert acc["unit"].startswith("OSINT-") and acc["status"] == "accepted"
    with store.connect() as conn:
        unit = get_picture(conn, "PL").units[acc["unit"]]
        assert unit.echelon == "army" and unit.credibility == 2
        actions = [
            (r.actor, r.action)
            for r in conn.execute(sa.select(audit).where(audit.c.action.like("osint.%")))
        ]
        assert ("anna", "osint.edit") in actions
        assert ("anna", "osint.accept") in actions
        assert ("boris", "osint.reject") in actions
        assert audit_log.verify(conn).ok
        decisions = conn.execute(sa.select(sa.func.count()).select_from(osint_decision)).scalar()
        assert decisions == 3
        assert conn.execute(sa.select(sa.func.count()).select_from(osint_provenance)).scalar()
    # a compile after the decisions leaves decided candidates as they are
    from liaison.osint.compile import compile_partner

    with store.begin() as conn:
        compile_partner(conn, "PL")
        assert review.show(conn, div["id"])["status"] == "rejected"
        assert review.show(conn, new["id"])["status"] == "accepted"


def test_edit_refuses_what_is_not_there(world: tuple[Store, dict[str, Path]]) -> None:
    store, folders = world
    _ingest_all(store, {"NEWS": folders["NEWS"]})
    with store.connect() as conn:
        c = review.list_candidates(conn, ["PL"])[0]
    for edits, message in (
        ({"unit": "pl-99"}, "has no unit 'pl-99'"),
        ({"credibility": 9}, "credibility must be 1–6"),
        ({"lat": 95, "lon": 10}, "outside"),
        ({"date": "12.03.2024"}, "not YYYY-MM-DD"),
        ({"colour": "red"}, "cannot edit colour"),
    ):
        with store.begin() as conn, pytest.raises(ValidationError, match=message):
            review.edit(conn, c["id"], edits, actor="anna")
