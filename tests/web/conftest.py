"""A small three-partner world for web tests: PL is the server's own partner, JP has a release
policy (GREEN), US has none. Users of every role in PL, an admin, analyst and viewer in JP, one in US."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from liaison.core.markings import Marking
from liaison.orbat import observe
from liaison.orbat.partners import add_partner, add_source
from liaison.store import Store
from liaison.web import auth
from liaison.web.app import create_app

PASSWORD = "correct horse battery"
USERS = {
    "admin.pl": ("admin", "PL"),
    "analyst.pl": ("analyst", "PL"),
    "viewer.pl": ("viewer", "PL"),
    "analyst.jp": ("analyst", "JP"),
    "viewer.jp": ("viewer", "JP"),
    "analyst.us": ("analyst", "US"),
    "admin.jp": ("admin", "JP"),  # a partner's admin: manages JP's accounts only (issue 19)
}
T0 = datetime(1939, 8, 1, tzinfo=UTC)


def build_world(store: Store) -> None:
    from liaison.courier.pouch import set_policy

    with store.begin() as conn:
        add_partner(conn, "PL", "Poland", is_self=True, language="pl")
        add_partner(conn, "JP", "Japan", language="ja")
        add_partner(conn, "US", "United States", language="en")
        add_source(conn, "PL", "KOMAR", "HUMINT", "B")
        green, pl_only = Marking("GREEN"), Marking("AMBER", ("PL",))
        rec = observe.record
        rec(
            conn,
            "PL",
            "pl-1",
            valid_at=T0,
            marking=green,
            designation="1 Armia",
            echelon="army",
            branch="infantry",
            lat=50.45,
            lon=30.52,
            place="Kijów",
        )
        rec(
            conn,
            "PL",
            "pl-2",
            valid_at=T0,
            marking=pl_only,
            designation="2 Dywizja Strzelców",
            echelon="division",
            branch="infantry",
            parent_id="pl-1",
            lat=50.0,
            lon=36.2,
            source="KOMAR",
            notes="secret note about pl-2",
        )
        rec(
            conn,
            "PL",
            "pl-3",
            valid_at=T0,
            marking=green,
            designation="3 Brygada Pancerna",
            echelon="brigade",
            branch="armour",
            parent_id="pl-2",
            lat=49.9,
            lon=36.3,
            source="KOMAR",
            notes="secret note about pl-3",
        )
        rec(
            conn,
            "JP",
            "jp-1",
            valid_at=T0,
            marking=green,
            designation="第1軍",
            echelon="army",
            branch="infantry",
            lat=43.1,
            lon=131.9,
        )
        rec(
            conn,
            "US",
            "us-1",
            valid_at=T0,
            marking=green,
            designation="1st Army",
            echelon="army",
            branch="infantry",
            lat=52.0,
            lon=104.0,
        )
        set_policy(conn, "JP", "GREEN")
        for name, (role, partner) in USERS.items():
            auth.add_user(conn, name, PASSWORD, role, partner, actor="test")


@dataclass
class Web:
    store: Store
    app: object

    def client(self) -> TestClient:
        return TestClient(self.app)  # type: ignore[arg-type]

    def login(self, username: str, password: str = PASSWORD) -> TestClient:
        """A client signed in as `username`, sending the session's CSRF token on writes."""
        c = self.client()
        page = c.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        home = c.get("/")
        csrf = home.text.split('name="csrf-token" content="')[1].split('"')[0]
        c.headers["X-CSRF-Token"] = csrf
        return c

    def token(self, username: str) -> str:
        with self.store.begin() as conn:
            return auth.create_token(conn, username, "test", actor="test")


@pytest.fixture
def web(store: Store) -> Iterator[Web]:
    build_world(store)
    yield Web(store, create_app(store=store))


@pytest.fixture
def as_user(web: Web) -> Callable[[str], TestClient]:
    return web.login


# --- meetings (appended for the meeting, minutes and alerts pages) ---------------------------


def add_disagreeing_jp(store: Store) -> None:
    """JP reports of PL's units that disagree (place, strength, parent) plus one unit only JP has,
    so a PL–JP meeting has a short queue of every common kind."""
    T1 = datetime(1939, 8, 20, tzinfo=UTC)
    green = Marking("GREEN")
    with store.begin() as conn:
        add_source(conn, "JP", "SAKURA", "SIGINT", "C")
        rec = observe.record
        rec(
            conn,
            "JP",
            "jp-a1",
            valid_at=T1,
            marking=green,
            designation="1st Army",
            echelon="army",
            branch="infantry",
            lat=51.5,
            lon=31.3,
            place="Czernihów",
            source="SAKURA",
        )
        rec(
            conn,
            "JP",
            "jp-d2",
            valid_at=T1,
            marking=green,
            designation="2nd Rifle Division",
            echelon="division",
            branch="infantry",
            parent_id="jp-a1",
            lat=50.0,
            lon=36.2,
            strength=9000,
            source="SAKURA",
        )
        rec(
            conn,
            "JP",
            "jp-b3",
            valid_at=T1,
            marking=green,
            designation="3rd Tank Brigade",
            echelon="brigade",
            branch="armour",
            parent_id="jp-a1",
            lat=49.9,
            lon=36.3,
            source="SAKURA",
        )
        rec(
            conn,
            "JP",
            "jp-c9",
            valid_at=T1,
            marking=green,
            designation="9th Cavalry Division",
            echelon="division",
            branch="cavalry",
            lat=48.5,
            lon=35.0,
            source="SAKURA",
        )


@pytest.fixture
def meet_web(web: Web) -> Web:
    """The web world plus JP reports that disagree with PL's (see `add_disagreeing_jp`)."""
    add_disagreeing_jp(web.store)
    return web


def build_demo(store: Store) -> None:
    """The demo scenario (PL is us, JP the partner; needs an empty store) with the test users
    (US is added so the third-partner user exists) and a release policy for JP."""
    from liaison.courier.pouch import set_policy
    from liaison.orbat import scenario

    with store.begin() as conn:
        scenario.load_demo(conn)
        add_partner(conn, "US", "United States", language="en")
        set_policy(conn, "JP", "AMBER")
        for name, (role, partner) in USERS.items():
            auth.add_user(conn, name, PASSWORD, role, partner, actor="test")


@pytest.fixture
def demo_web(store: Store) -> Iterator[Web]:
    """The web app over the demo scenario instead of the small world."""
    build_demo(store)
    yield Web(store, create_app(store=store))
