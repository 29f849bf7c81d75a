"""The school: messages and keys by cipher/language/difficulty, grading, hints and their costs,
the progress table, and a trainee taking an exercise end to end through the CLI."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import timedelta

import pytest

from liaison.cli.app import main
from liaison.codebreak import messages, named, training
from liaison.codebreak.alphabets import alphabet, normalise
from liaison.core.errors import ConflictError, NotFoundError, ValidationError
from liaison.store import Store, audit

LANGS = ("ru", "pl", "de", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_messages_every_kind_reach_the_length_in_whole_words(lang: str) -> None:
    rng = random.Random(7)
    for kind in messages.KINDS:
        for letters in (30, 120, 400):
            m = messages.message(lang, letters, rng, kind)
            assert m.letters == normalise(m.text, lang)
            assert set(m.letters) <= set(alphabet(lang))
            last = len(normalise(m.text.split()[-1], lang))
            assert letters <= len(m.letters) < letters + last + 1
    a = messages.message(lang, 100, random.Random(1), "order")
    assert a == messages.message(lang, 100, random.Random(1), "order")
    with pytest.raises(ValidationError):
        messages.message(lang, 100, rng, "poem")


def test_cribs_are_found_in_inflected_forms() -> None:
    text = "штаб дивизии доносит противник отходит"
    assert messages.cribs_in(text, "ru") == ["ПРОТИВНИК", "ДИВИЗИИ", "ШТАБ"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_named_cipher_round_trips_with_generated_keys(lang: str) -> None:
    rng = random.Random(11)
    assert {"caesar", "vigenere", "beaufort", "columnar", "substitution"} <= set(named.names())
    for cipher in named.names():
        for difficulty in range(1, 6):
            key = named.random_key(cipher, lang, difficulty, rng)
            pt = messages.message(lang, 60 + 7 * difficulty, rng).letters
            ct = named.apply(cipher, pt, key, lang)
            assert ct != pt, (cipher, key)
            assert named.apply(cipher, ct, key, lang, decrypt=True) == pt, (cipher, key)
            # the key as text reads back to the same key
            assert named.parse_key(cipher, named.key_text(key)) == key


def test_difficulty_shapes_the_key() -> None:
    rng = random.Random(3)
    for d in range(1, 6):
        assert len(named.random_key("vigenere", "ru", d, rng)[0]) == 2 + d
        assert len(named.random_key("columnar", "de", d, rng)[0]) == 4 + d
    keyed = named.random_key("substitution", "en", 1, rng)[0]
    word = next(w for w in named.KEYWORDS["en"] if keyed.startswith(w[:3]))
    assert sorted(keyed) == sorted(alphabet("en")) and keyed.startswith(word[:3])
    with pytest.raises(ValidationError):
        named.apply("enigma", "ABC", "X", "en")
    with pytest.raises(ValidationError):
        named.apply("affine", "ABC", "2,3", "en")  # 2 is not coprime with 26


def test_accuracy_is_positional_or_tolerates_a_slip_and_does_not_reward_noise() -> None:
    pt = messages.message("ru", 150, random.Random(5)).letters
    assert training.accuracy(pt, pt) == 1.0
    assert training.accuracy(pt, pt[:40] + pt[41:]) > 0.98  # one letter dropped
    wrong = pt[:10] + ("Ж" if pt[10] != "Ж" else "З") + pt[11:]
    assert training.accuracy(pt, wrong) == pytest.approx(1 - 1 / len(pt))
    transposed = named.apply("columnar", pt, ["КРЕПОСТЬ"], "ru")
    assert training.accuracy(pt, transposed) < 0.15
    noise = "".join(random.Random(1).choice(alphabet("ru")) for _ in range(140))
    assert training.accuracy(pt, noise) < 0.1


@pytest.fixture
def school(store: Store) -> Store:
    with store.begin() as conn:
        training.add_class(conn, "A1", "rejewski")
        training.add_class(conn, "B2", "zygalski")
        training.add_trainee(conn, "anna", "Anna K", "A1")
        training.add_trainee(conn, "jan", "", "A1")
        training.add_trainee(conn, "olga", "Olga", "B2")
    return store


def test_exercises_are_generated_assigned_and_decrypt(school: Store) -> None:
    with school.begin() as conn:
        made = training.new_exercises(
            conn,
            "vigenere",
            "pl",
            difficulty=3,
            kind="telegram",
            count=3,
            class_name="A1",
            set_name="w1",
        )
        assert [e.number for e in made] == [1, 2, 3]
        other = training.new_exercises(conn, "columnar", "de", letters=90, seed=2)
    for e in made:
        assert e.sets == ["A1/w1"] and e.letters >= training.default_letters(3)
        assert named.apply(e.cipher, e.ciphertext, e.key, e.language, decrypt=True) == e.plaintext
        assert len(e.key[0]) == 5
    assert other[0].sets == [] and 90 <= other[0].letters < 110
    with school.begin() as conn:
        assert training.assign(conn, [4, 1], "A1", "w1") == [4]
        assert [e.number for e in training.list_exercises(conn, "A1")] == [1, 2, 3, 4]
        assert training.list_exercises(conn, "B2") == []
        with pytest.raises(ValidationError) as ei:
            training.new_exercises(conn, "enigma", "fr", difficulty=9, letters=5, kind="poem")
        assert len(ei.value.problems) == 5


def test_take_hint_answer_grade_and_limits(school: Store) -> None:
    with school.begin() as conn:
        (ex,) = training.new_exercises(
            conn, "substitution", "ru", difficulty=3, class_name="A1", seed=4
        )
        (lone,) = training.new_exercises(conn, "caesar", "ru", seed=5)
    with school.begin() as conn:
        with pytest.raises(ConflictError, match="not taken"):
            training.answer(conn, ex.number, "anna", "x")
        with pytest.raises(NotFoundError, match="not assigned"):
            training.take(conn, ex.number, "olga")
        with pytest.raises(NotFoundError):
            training.take(conn, lone.number, "anna")
        taken = training.take(conn, ex.number, "anna")
        assert "plaintext" not in taken.exercise and "key" not in taken.exercise
        assert taken.exercise["ciphertext"] == ex.ciphertext
        start = taken.started_at
        f1 = training.hint(conn, ex.number, "anna", "frequency")
        f2 = training.hint(conn, ex.number, "anna", "frequency")
        assert f1.cost == 5 and not f2.charged and f2.content == f1.content
        top_symbol, top_count, _ = f1.content["ciphertext"][0]
        assert ex.ciphertext.count(top_symbol) == top_count
        crib = training.hint(conn, ex.number, "anna", "crib")
        assert crib.content["word"] in ex.plaintext
        key = training.hint(conn, ex.number, "anna", "key")
        plain, cipher = key.content["plain"], key.content["cipher"]
        assert named.apply("substitution", plain, ex.key, "ru") == cipher
        key2 = training.hint(conn, ex.number, "anna", "key")
        assert key2.content["plain"] != plain
        with pytest.raises(ValidationError):
            training.hint(conn, ex.number, "anna", "oracle")
        cost = 5 + 15 + 25 + 25
        # a wrong answer late: accuracy low, no points, not solved
        g1 = training.answer(
            conn, ex.number, "anna", "абвгд" * 30, now=start + timedelta(seconds=60)
        )
        assert not g1.solved and g1.accuracy < 0.2 and g1.points == 0 and g1.hint_cost == cost
        # the right answer in mixed case with spaces and ё, 1.25 × par: time factor 0.8
        par = training.par_seconds(ex.difficulty, ex.letters)
        right = ex.text.replace("е", "ё").upper()
        g2 = training.answer(
            conn, ex.number, "anna", right, now=start + timedelta(seconds=1.25 * par)
        )
        assert g2.solved and g2.accuracy == 1.0 and g2.seconds == 1.25 * par
        assert g2.points == 80 - cost and g2.answers_used == 2
        with pytest.raises(ConflictError, match="already solved"):
            training.answer(conn, ex.number, "anna", right)
        with pytest.raises(ConflictError, match="already solved"):
            training.hint(conn, ex.number, "anna", "crib")
        # jan uses up his answers
        training.take(conn, ex.number, "jan")
        for _ in range(ex.max_answers):
            training.answer(conn, ex.number, "jan", "неверно")
        with pytest.raises(ConflictError, match="used"):
            training.answer(conn, ex.number, "jan", ex.text)
        with pytest.raises(ConflictError, match="used"):
            training.hint(conn, ex.number, "jan", "crib")
        states = {r["number"]: r["state"] for r in training.assigned(conn, "jan")}
        assert states == {ex.number: "closed"}
        assert audit.verify(conn).ok


def test_ioc_hint_finds_the_vigenere_period(school: Store) -> None:
    with school.begin() as conn:
        exs = training.new_exercises(
            conn, "vigenere", "ru", letters=300, difficulty=3, count=5, class_name="A1", seed=9
        )
        right = 0
        for e in exs:
            training.take(conn, e.number, "anna")
            h = training.hint(conn, e.number, "anna", "ioc")
            right += h.content["likely_period"] == len(e.key[0])
            assert h.content["ioc"] < h.content["language_ioc"]
    assert right >= 4


def test_progress_table(school: Store) -> None:
    with school.begin() as conn:
        exs = training.new_exercises(conn, "caesar", "en", count=3, class_name="A1", seed=1)
        for e in exs:
            t = training.take(conn, e.number, "anna")
            training.answer(
                conn, e.number, "anna", e.text, now=t.started_at + timedelta(seconds=100 * e.number)
            )
        t = training.take(conn, exs[0].number, "jan")
        training.hint(conn, exs[0].number, "jan", "crib")
        half = exs[0].plaintext[: len(exs[0].plaintext) // 2] + "Q" * (
            exs[0].letters - exs[0].letters // 2
        )
        training.answer(conn, exs[0].number, "jan", half, now=t.started_at + timedelta(seconds=30))
        training.take(conn, exs[1].number, "jan")  # taken, never answered
        rows = {r.trainee: r for r in training.progress(conn, "A1")}
    a, j = rows["anna"], rows["jan"]
    assert (a.assigned, a.attempted, a.solved, a.mean_accuracy) == (3, 3, 3, 1.0)
    assert a.median_seconds == 200.0 and a.hints_used == 0 and a.points == 300
    assert (j.attempted, j.solved, j.hints_used, j.hint_points) == (2, 0, 1, 15)
    assert j.mean_accuracy is not None and 0.45 < j.mean_accuracy < 0.6 and j.median_seconds == 30.0
    assert j.name == "jan"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def test_a_trainee_takes_an_exercise_end_to_end_in_the_cli(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Instructor sets a Caesar exercise; the trainee takes it, buys a key hint, decrypts it with
    `liaison decrypt`, answers, and the class progress shows it solved."""
    assert run(["train", "class", "add", "A1", "--instructor", "rejewski"], capsys)[0] == 0
    assert (
        run(["train", "trainee", "add", "anna", "--class", "A1", "--name", "Anna K"], capsys)[0]
        == 0
    )
    code, out, err = run(
        ["train", "exercise", "new", "--cipher", "caesar", "--lang", "ru", "--kind", "telegram",
         "--difficulty", "1", "--class", "A1", "--set", "week1", "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    number = str(json.loads(out)[0]["number"])
    code, out, _ = run(["train", "exercise", "list", "--trainee", "anna", "--json"], capsys)
    assert json.loads(out)[0]["state"] == "new"
    code, out, _ = run(["train", "take", number, "--trainee", "anna"], capsys)
    assert code == 0 and "caesar" in out
    code, out, _ = run(["train", "take", number, "--trainee", "anna", "--json"], capsys)
    shown = json.loads(out)["exercise"]
    assert "plaintext" not in out and "key" not in shown
    code, out, _ = run(["train", "hint", number, "--trainee", "anna", "--kind", "key"], capsys)
    m = re.search(r"plain (\S) is enciphered as (\S)", out)
    assert code == 0 and m, out
    a = alphabet("ru")
    shift = (a.index(m.group(2)) - a.index(m.group(1))) % len(a)
    monkeypatch.setattr("sys.stdin", io.StringIO(shown["ciphertext"]))
    code, plain, _ = run(
        ["decrypt", "--cipher", "caesar", "--key", str(shift), "--lang", "ru"], capsys
    )
    assert code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(plain))
    code, out, err = run(["train", "answer", number, "--trainee", "anna", "--json"], capsys)
    assert code == 0, err
    grade = json.loads(out)
    assert grade["solved"] and grade["accuracy"] == 1.0 and grade["points"] == 75
    code, out, _ = run(["train", "progress", "--class", "A1", "--json"], capsys)
    (row,) = json.loads(out)
    assert (row["trainee"], row["attempted"], row["solved"], row["hints_used"]) == ("anna", 1, 1, 1)
    code, out, _ = run(["train", "progress", "--class", "A1"], capsys)
    assert "anna" in out and "100.0%" in out
    code, out, _ = run(["train", "exercise", "show", number, "--reveal", "--json"], capsys)
    assert normalise(json.loads(out)["text"], "ru") == plain.strip()


CLI_ERRORS = [
    (["train", "trainee", "add", "bob", "--class", "Z9"], "no class"),
    (["train", "exercise", "new", "--cipher", "enigma"], "unknown"),
    (["train", "exercise", "new", "--difficulty", "7"], "difficulty"),
    (["train", "take", "99", "--trainee", "anna"], "no exercise"),
    (["train", "take", "abc", "--trainee", "anna"], "must be a number"),
    (["train", "take", "1", "--trainee", "nobody"], "no trainee"),
    (["train", "hint", "1", "--trainee", "anna", "--kind", "key"], "not taken"),
    (["train", "answer", "1", "--trainee", "anna", "--text", " "], "empty answer"),
    (["train", "progress", "--class", "Z9"], "no class"),
]


def test_cli_errors_exit_2(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(["train", "class", "add", "A1", "--instructor", "r"], capsys)
    run(["train", "trainee", "add", "anna", "--class", "A1"], capsys)
    run(["train", "exercise", "new", "--class", "A1"], capsys)
    for args, needle in CLI_ERRORS:
        code, out, err = run(args, capsys)
        assert code == 2 and needle in err and "Traceback" not in out + err, (args, err)
