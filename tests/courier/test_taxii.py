"""The TAXII 2.1 router on loopback, read by taxii2-client: a caller sees only its partner's share."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from liaison.core.markings import Marking
from liaison.courier.pouch import set_policy
from liaison.courier.stix import unit_facts
from liaison.orbat import observe, partners
from liaison.store import Store

fastapi = pytest.importorskip("fastapi", reason="fastapi not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed (test extra)")
taxii2client = pytest.importorskip(
    "taxii2client", reason="taxii2-client not installed (test extra)"
)


@pytest.fixture
def server(store_url: str) -> Iterator[tuple[str, Store]]:
    from liaison.courier.taxii import make_router

    store = Store(store_url)
    with store.begin() as conn:
        partners.add_partner(conn, "PL", "PL", is_self=True)
        partners.add_partner(conn, "JP", "JP")
        partners.add_partner(conn, "FR", "FR")
        set_policy(conn, "JP", "AMBER")
        for i in range(5):
            observe.record(
                conn,
                "PL",
                f"D{i}",
                valid_at=datetime(1938, 6, 1, tzinfo=UTC),
                designation=f"{i} Dywizja",
                lat=50.0 + i,
                lon=30.0,
                marking=Marking("AMBER", ("JP",)) if i < 4 else Marking("RED"),
                notes="analyst note",
            )
    app = fastapi.FastAPI()
    app.include_router(make_router(lambda: store, {"jp-token": "JP", "fr-token": "FR"}))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/taxii2/", store
    srv.should_exit = True
    t.join(5)
    store.dispose()


def test_taxii2_client_lists_and_pages(server: tuple[str, Store]) -> None:
    from taxii2client.v21 import Server, as_pages

    url, store = server
    api = Server(url, user="jp", password="jp-token").api_roots[0]
    cols = api.collections
    assert len(cols) == 1 and cols[0].title == "Released to JP"
    objs = cols[0].get_objects()["objects"]
    units = [o for o in objs if unit_facts(o)]
    assert sorted(unit_facts(u)["unit_id"] for u in units) == [
        "D0",
        "D1",
        "D2",
        "D3",
    ]  # RED D4 withheld
    assert "analyst note" not in str(objs)
    pages = [p["objects"] for p in as_pages(cols[0].get_objects, per_request=3)]
    assert len(pages) > 1 and sum(map(len, pages)) == len(objs)
    assert sorted(o["id"] for page in pages for o in page) == sorted(o["id"] for o in objs)
    man = cols[0].get_manifest()["objects"]
    assert {m["id"] for m in man} == {o["id"] for o in objs}
    one = cols[0].get_object(units[0]["id"])["objects"]
    assert one[0]["id"] == units[0]["id"]
    vers = cols[0].object_versions(units[0]["id"])["versions"]
    assert vers == [units[0]["modified"]]
    # Incremental: after the newest date_added nothing; after one change, only that unit.
    last = max(m["date_added"] for m in man)
    assert cols[0].get_objects(added_after=last)["objects"] == []
    time.sleep(0.01)
    with store.begin() as conn:
        observe.record(
            conn,
            "PL",
            "D2",
            valid_at=datetime(1938, 6, 2, tzinfo=UTC),
            designation="2 Dywizja",
            lat=55.0,
            lon=31.0,
            marking=Marking("AMBER", ("JP",)),
        )
    fresh = cols[0].get_objects(added_after=last)["objects"]
    assert {f["unit_id"] for o in fresh if (f := unit_facts(o))} == {"D2"}


def test_other_partner_and_strangers_see_nothing(server: tuple[str, Store]) -> None:
    import httpx

    url, _ = server
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    from liaison.courier.taxii import collection_id

    fr = {"Authorization": "Bearer fr-token"}
    base = f"{url}liaison/collections/"
    assert httpx.get(f"{base}{collection_id('JP')}/objects/", headers=fr).status_code == 404
    r = httpx.get(f"{base}{collection_id('FR')}/objects/", headers=fr)
    units = [o for o in r.json()["objects"] if unit_facts(o)]
    assert r.status_code == 200 and units == []  # no policy for FR: deny by default


def test_sync_pulls_incrementally_into_a_second_store(
    server: tuple[str, Store], tmp_path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    """JP's store runs `liaison sync PL` against PL's server: first all, then only the change."""
    import json

    from liaison.cli.app import main
    from liaison.orbat import picture

    url, pl = server
    jp_url = f"sqlite:///{tmp_path / 'jp.db'}"
    jp = Store(jp_url)
    with jp.begin() as conn:
        partners.add_partner(conn, "JP", "JP", is_self=True)
        partners.add_partner(conn, "PL", "PL")
    monkeypatch.setenv("LIAISON_DATABASE_URL", jp_url)
    monkeypatch.setenv("LIAISON_SYNC_TOKEN", "jp-token")

    def sync() -> dict:  # type: ignore[type-arg]
        with pytest.raises(SystemExit) as ei:
            main(["sync", "PL", "--url", url, "--json"])
        assert ei.value.code in (0, None)
        return json.loads(capsys.readouterr().out)

    first = sync()
    assert first["new_observations"] == 4
    with jp.connect() as conn:
        pic = picture.get_picture(conn, "PL")
    assert sorted(pic.units) == ["D0", "D1", "D2", "D3"] and pic.units["D2"].lat == 52.0
    assert sync()["objects"] == 0  # nothing new
    time.sleep(0.01)
    with pl.begin() as conn:
        observe.record(
            conn,
            "PL",
            "D2",
            valid_at=datetime(1938, 6, 3, tzinfo=UTC),
            designation="2 Dywizja",
            lat=56.0,
            lon=31.0,
            marking=Marking("AMBER", ("JP",)),
        )
    third = sync()
    # the unit, its sighting, its location and the located-at relationship between them
    assert third["new_observations"] == 1 and third["objects"] == 4
    with jp.connect() as conn:
        assert picture.get_picture(conn, "PL").units["D2"].lat == 56.0
    monkeypatch.setenv("LIAISON_SYNC_TOKEN", "bad")
    with pytest.raises(SystemExit) as ei:
        main(["sync", "PL", "--url", url])
    assert ei.value.code == 2 and "HTTP 401" in capsys.readouterr().err
    jp.dispose()
