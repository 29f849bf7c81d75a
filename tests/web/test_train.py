"""The school's pages: a trainee takes an exercise end to end in the browser (take, hint, answer,
grade), an instructor creates exercises and sees the class progress; sign-in, roles, identity and
CSRF are enforced."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from liaison.codebreak import named, training

TRAINEE = "viewer.pl"  # a web user enrolled as a trainee (tests/web/conftest.py makes the users)


@pytest.fixture
def school(web):  # type: ignore[no-untyped-def]
    with web.store.begin() as conn:
        training.add_class(conn, "A1", "admin.pl")
        training.add_trainee(conn, TRAINEE, "Anna K", "A1")
        training.new_exercises(
            conn, "caesar", "ru", difficulty=1, class_name="A1", set_name="w1", seed=3
        )
        training.new_exercises(conn, "caesar", "ru", seed=4)  # not assigned to anyone
    return web


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_trainee_takes_an_exercise_end_to_end(school, as_user) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = as_user(TRAINEE)
    home = c.get("/train")
    assert home.status_code == 200 and 'href="/train/exercises/1"' in home.text
    assert "/train/exercises/2" not in home.text
    page = c.get("/train/exercises/1")
    assert "Take the exercise" in page.text and "Ciphertext" not in page.text
    # the forms carry the session's CSRF token: post like a browser (which sends its Origin),
    # without the test header
    del c.headers["X-CSRF-Token"]
    c.headers["Origin"] = "http://testserver"
    assert c.post("/train/exercises/1/take").status_code == 403
    page = c.post("/train/exercises/1/take", data={"csrf_token": _csrf(page.text)})
    assert page.status_code == 200 and "Ciphertext" in page.text
    page = c.post("/train/exercises/1/hint", data={"kind": "key", "csrf_token": _csrf(page.text)})
    m = re.search(r"plain (\S) is enciphered as (\S)", page.text)
    assert m, page.text
    with school.store.connect() as conn:
        ex = training.get_exercise(conn, 1)
    assert named.apply("caesar", m.group(1), ex.key, "ru") == m.group(2)
    token = _csrf(page.text)
    page = c.post("/train/exercises/1/answer", data={"text": "совсем не то", "csrf_token": token})
    assert "not solved" in page.text and '<strong class="solved">' not in page.text
    page = c.post("/train/exercises/1/answer", data={"text": ex.text, "csrf_token": token})
    assert '<strong class="solved">solved</strong>' in page.text and "100.0%" in page.text
    assert "<td>75</td>" in page.text  # 100 points less the 25-point key hint
    page = c.post("/train/exercises/1/answer", data={"text": ex.text, "csrf_token": token})
    assert page.status_code == 200 and "already solved" in page.text  # on the page, not a 500
    assert c.get("/train/exercises/2").status_code == 404
    assert "solved" in c.get("/train").text
    with school.store.connect() as conn:
        (row,) = training.progress(conn, "A1")
    assert (row.trainee, row.solved, row.hints_used, row.points) == (TRAINEE, 1, 1, 75)


def test_instructor_creates_exercises_and_sees_progress(school, as_user) -> None:  # type: ignore[no-untyped-def]
    c: TestClient = as_user("admin.pl")
    page = c.get("/train/instructor")
    assert page.status_code == 200 and "Progress of A1" in page.text and TRAINEE in page.text
    page = c.post(
        "/train/instructor/exercises",
        data={"class_name": "A1", "cipher": "vigenere", "language": "de", "kind": "order",
              "difficulty": "3", "letters": "120", "count": "2", "set_name": "w2"},
    )  # fmt: skip
    assert "Created exercise(s) 3,4" in page.text and "A1/w2" in page.text
    page = c.post(
        "/train/instructor/exercises",
        data={"class_name": "A1", "cipher": "enigma", "language": "de", "difficulty": "3"},
    )
    assert "unknown" in page.text and "enigma" in page.text
    assert 'href="/train/exercises/4"' in as_user(TRAINEE).get("/train").text
    assert as_user("analyst.pl").get("/train/instructor").status_code == 200
    # an instructor not enrolled as a trainee lands on the instructor page
    assert "Progress of A1" in as_user("analyst.pl").get("/train").text


def test_sign_in_roles_and_identity_are_enforced(school, as_user) -> None:  # type: ignore[no-untyped-def]
    anon = school.client()
    r = anon.get("/train", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert anon.post("/train/exercises/1/take").status_code == 401
    viewer: TestClient = as_user(TRAINEE)
    assert viewer.get("/train/instructor").status_code == 403
    assert viewer.post("/train/instructor/exercises", data={"class_name": "A1"}).status_code == 403
    stranger: TestClient = as_user("analyst.jp")  # signed in, not enrolled, another partner's
    assert stranger.get("/train").status_code == 403
    assert stranger.post("/train/exercises/1/take").status_code == 403
    assert stranger.get("/train/instructor").status_code == 403
    assert (
        stranger.post("/train/instructor/exercises", data={"class_name": "A1"}).status_code == 403
    )
