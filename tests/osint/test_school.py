"""Open-source exercises: the shipped exercise is set for a class, a trainee sees the documents
and never the key, answers are graded against the key (a repost counted twice or a unit missed
costs), answers are limited, and another class's trainee cannot take it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.codebreak import training
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.osint import school
from liaison.store import Store
from liaison.store.schema.audit import audit

PERFECT = """designation,place,date
1-я гвардейская танковая армия,Белгород,2024-03-12
27th Motor Rifle Division,Valuyki,2024-03-12
6 Armia,Psków,2024-03-15
76. Garde-Luftsturmdivision,Pskow,2024-03-16
20th Army,Valuyki,2024-03-17
"""

SLOPPY = """designation,place,date
1st Guards Tank Army,Belgorod,2024-03-12
1st Guards Tank Army,Belgorod,2024-03-12
27th Motor Rifle Division,Kursk,2024-03-12
6th Army,Pskov,2024-03-14
"""


def test_demo_exercise_taken_and_graded(store: Store) -> None:
    with store.begin() as conn:
        training.add_class(conn, "A1", "kowalewski")
        training.add_class(conn, "B2", "rejewski")
        training.add_trainee(conn, "anna", "", "A1")
        training.add_trainee(conn, "ken", "", "B2")
        ex = school.new_demo(conn, class_name="A1", actor="kowalewski")
    assert ex["documents"] == 6 and ex["key_items"] == 5
    with store.connect() as conn:
        seen = school.take(conn, ex["number"], "anna")
        assert len(seen["documents"]) == 6 and "key" not in seen
        assert {d["language"] for d in seen["documents"]} >= {"ru", "en", "pl", "de", "uk"}
        with pytest.raises(NotFoundError, match="not set for ken's class"):
            school.take(conn, ex["number"], "ken")
    with store.begin() as conn:
        g = school.answer(conn, ex["number"], "anna", SLOPPY)
    # tank army right; its repeat is an extra; the division at the wrong place; 6th Army a day off
    assert g["right"] == 1 and g["key_items"] == 5 and g["answer_rows"] == 4
    assert g["precision"] == 0.25 and g["recall"] == 0.2
    assert g["points"] == round(100 * (1.0 + 0.7 + 0.8) / 5)
    assert g["extras"] == ["1st Guards Tank Army"]
    with store.begin() as conn:
        best = school.answer(conn, ex["number"], "anna", PERFECT)
    assert best["points"] == 100 and best["f1"] == 1.0
    with store.begin() as conn:
        school.answer(conn, ex["number"], "anna", PERFECT)
    with store.begin() as conn, pytest.raises(ConflictError, match="all 3 answers"):
        school.answer(conn, ex["number"], "anna", PERFECT)
    with store.connect() as conn:
        rows = {r["trainee"]: r for r in school.progress(conn, "A1")}
        assert rows["anna"]["points"] == 100 and rows["anna"]["answered"] == 1
        n = conn.execute(
            sa.select(sa.func.count())
            .select_from(audit)
            .where(audit.c.action == "train.osint.answer")
        ).scalar()
        assert n == 3


def test_bad_answer_names_its_lines(store: Store) -> None:
    with store.begin() as conn:
        training.add_class(conn, "A1", "kowalewski")
        training.add_trainee(conn, "anna", "", "A1")
        ex = school.new_demo(conn, class_name="A1")
    bad = "designation,place,date,colour\nx,y,z,red\n"
    with store.begin() as conn, pytest.raises(ValidationError, match="unknown column"):
        school.answer(conn, ex["number"], "anna", bad)
    bad = "designation,place,date\nsome unit,Belgorod,2024-03-12\n6th Army,Atlantis-on-Sea,2024-03-15\n20th Army,,12.03.2024\n"
    with store.begin() as conn, pytest.raises(ValidationError) as ei:
        school.answer(conn, ex["number"], "anna", bad)
    text = str(ei.value)
    assert "line 2" in text and "line 3" in text and "line 4" in text
