"""A small generated week loaded into a store: partner, our stations, the log, the picture."""

from __future__ import annotations

from datetime import timedelta

from liaison.orbat import observe
from liaison.orbat.partners import add_partner, add_source
from liaison.store import Store
from liaison.traffic import logs, stations
from liaison.traffic.generate import Traffic, generate


def small(seed: int = 1, **kw: object) -> Traffic:
    return generate(seed, shape=(3, 3), days=3, **kw)  # type: ignore[arg-type]


def load(store: Store, t: Traffic, *, picture: bool = True, partner: bool = True) -> None:
    """Partner PL (ourselves), our stations, the log, and (optionally) the picture's units."""
    with store.begin() as conn:
        if partner:
            add_partner(conn, "PL", "Oddział II", is_self=True)
        add_source(conn, "PL", "RADIO", "SIGINT", "B")
        for s in t.stations:
            stations.add_station(
                conn, s.name, lat=s.lat, lon=s.lon, equipment="receiver=2;df=1",
                bearing_error=s.sigma,
            )  # fmt: skip
        logs.import_log(conn, t.csv_text(), name="week.csv")
        if picture:
            for u in t.units.values():
                observe.record(
                    conn, "PL", u.local_id, valid_at=t.start - timedelta(days=30),
                    designation=u.designation, echelon=u.echelon,
                    parent_id=u.parent,
                )  # fmt: skip
