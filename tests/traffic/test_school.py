"""Traffic and DF exercises: set for a class, taken without the key, graded against it (a perfect
answer scores 100, a careless one little), answers limited, other classes kept out."""

from __future__ import annotations

import csv
import io

import pytest

from liaison.codebreak import training
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.store import Store
from liaison.store.schema.traffic import traffic_exercise
from liaison.traffic import school


def _key(store: Store, number: int) -> dict:  # type: ignore[type-arg]
    import sqlalchemy as sa

    with store.connect() as conn:
        return conn.execute(
            sa.select(traffic_exercise.c.key).where(traffic_exercise.c.number == number)
        ).scalar_one()


@pytest.fixture
def klass(store: Store) -> Store:
    with store.begin() as conn:
        training.add_class(conn, "A1", "kowalewski")
        training.add_class(conn, "B2", "rejewski")
        training.add_trainee(conn, "anna", "", "A1")
        training.add_trainee(conn, "ken", "", "B2")
    return store


def test_nets_exercise_graded(klass: Store) -> None:
    with klass.begin() as conn:
        ex = school.new_exercise(conn, "nets", class_name="A1", seed=3)
    with klass.connect() as conn:
        seen = school.take(conn, ex["number"], "anna")
        assert "key" not in seen and seen["material"]["log"].startswith("station,heard_at")
        assert "bearing" not in seen["material"]["log"].splitlines()[0]
        with pytest.raises(NotFoundError, match="not set for ken's class"):
            school.take(conn, ex["number"], "ken")
    key = _key(klass, ex["number"])
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["day", "call_sign", "net", "control", "station"])
    for r in key["rows"]:
        w.writerow(
            [r["day"], r["call_sign"], r["net"], "yes" if r["control"] else "", r["station"]]
        )
    sloppy = "day,call_sign,net\n" + "".join(
        f"{r['day']},{r['call_sign']},one\n" for r in key["rows"]
    )
    with klass.begin() as conn:
        bad = school.answer(conn, ex["number"], "anna", sloppy)
    assert bad["points"] == 0 and bad["nets_ari"] == 0 and bad["stations_ari"] is None
    with klass.begin() as conn:
        good = school.answer(conn, ex["number"], "anna", buf.getvalue())
    assert (
        good["points"] == 100 and good["controls_right"] == good["controls"] == 6
    )  # 3 nets, 2 days
    with klass.begin() as conn:
        school.answer(conn, ex["number"], "anna", buf.getvalue())
    with pytest.raises(ConflictError, match="all 3 answers"), klass.begin() as conn:
        school.answer(conn, ex["number"], "anna", buf.getvalue())
    with klass.connect() as conn:
        prog = school.progress(conn, "A1")
    assert prog == [{"trainee": "anna", "assigned": 1, "answered": 1, "points": 100}]


def test_df_exercise_graded(klass: Store) -> None:
    with klass.begin() as conn:
        ex = school.new_exercise(conn, "df", class_name="A1", seed=4)
        seen = school.take(conn, ex["number"], "anna")
    assert len(seen["material"]["stations"]) == 5 and seen["material"]["bearings"]
    key = _key(klass, ex["number"])
    exact = "target,lat,lon\n" + "".join(
        f"{t['target']},{t['fix']['lat']},{t['fix']['lon']}\n" for t in key["targets"]
    )
    half = "target,lat,lon\n" + "".join(
        f"{t['target']},{t['fix']['lat'] + 3},{t['fix']['lon']}\n" for t in key["targets"][:2]
    )
    with klass.begin() as conn:
        g = school.answer(conn, ex["number"], "anna", exact)
    assert g["points"] == 100 and all(t["score"] == 1.0 for t in g["targets"])
    with klass.begin() as conn:
        g = school.answer(conn, ex["number"], "anna", half)
    assert g["points"] == 0 and sum(t["answered"] for t in g["targets"]) == 2
    with pytest.raises(ValidationError, match="line 2, field lat/lon"), klass.begin() as conn:
        school.answer(conn, ex["number"], "anna", "target,lat,lon\nT1,95,20\n")
    with pytest.raises(ValidationError, match="kind"), klass.begin() as conn:
        school.new_exercise(conn, "morse", class_name="A1")
