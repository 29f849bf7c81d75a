"""The codebreaking school: exercises generated from period-style messages, taken by trainees,
graded automatically, with hints that are recorded and cost points.

Flow: an instructor adds a class and its trainees, generates exercises (cipher, language, length,
difficulty, message kind) into a set assigned to the class; a trainee *takes* an exercise (the
clock starts, the ciphertext is shown), may ask for hints, and submits answers. Each answer is
graded on letter accuracy after normalisation and on time against a par; hints subtract points.
The progress table is computed from the recorded rows, never stored, so it is always consistent.

Grading, precisely: the answer is normalised like the plaintext (upper case, ё→е, letters of the
language only). Equal length → the share of positions that agree. Different length (a letter
dropped or added) → the letters in common runs of three or more (difflib, no autojunk) divided by
the longer length, so one slip does not zero an answer and random text does not score. Solved
means accuracy ≥ 0.95 (the benchmark's success criterion). Points = round(100 × accuracy × time
factor) − hint costs, at least 0; the time factor is 1 within par, then par/time, never below 0.5.
"""

from __future__ import annotations

import os
import random
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.codebreak import messages, named
from liaison.codebreak.alphabets import ALL_ALPHABETS, FREQ, alphabet, normalise, resolve
from liaison.core.clock import iso, to_utc, utcnow
from liaison.core.errors import ConflictError, LiaisonError, NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.store import audit
from liaison.store.schema.training import (
    exercise,
    exercise_answer,
    exercise_attempt,
    exercise_hint,
    exercise_set,
    exercise_set_item,
    trainee,
    training_class,
)

SOLVED_AT = 0.95
HINT_COSTS: dict[str, int] = {"frequency": 5, "ioc": 10, "crib": 15, "key": 25}
MIN_LETTERS, MAX_LETTERS = 20, 2000
MAX_ANSWER_CHARS = 20_000


def default_letters(difficulty: int) -> int:
    """Easier exercises are longer: more text, clearer statistics (200 letters down to 80)."""
    return 200 - 30 * (difficulty - 1)


def par_seconds(difficulty: int, letters: int) -> int:
    """Time within which an answer keeps full points: 5 min per difficulty step + 3 s a letter."""
    return 300 * difficulty + 3 * letters


# ---------------------------------------------------------------- records


@dataclass
class Klass:
    id: str
    name: str
    instructor: str
    trainees: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Trainee:
    id: str
    username: str
    name: str
    class_name: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Exercise:
    id: str
    number: int
    created_at: datetime
    created_by: str
    cipher: str
    language: str
    difficulty: int
    kind: str
    text: str
    plaintext: str
    key: list[Any]
    ciphertext: str
    max_answers: int
    sets: list[str] = field(default_factory=list)

    @property
    def letters(self) -> int:
        return len(self.plaintext)

    def public(self) -> dict[str, Any]:
        """What a trainee may see: no plaintext, no key."""
        return {
            "number": self.number,
            "cipher": self.cipher,
            "language": self.language,
            "difficulty": self.difficulty,
            "kind": self.kind,
            "letters": self.letters,
            "ciphertext": self.ciphertext,
            "max_answers": self.max_answers,
            "par_seconds": par_seconds(self.difficulty, self.letters),
        }

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["created_at"] = iso(self.created_at)
        d["letters"] = self.letters
        d["key_text"] = named.key_text(self.key)
        return d


@dataclass
class Hint:
    kind: str
    cost: int
    content: dict[str, Any]
    given_at: datetime
    charged: bool = True

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["given_at"] = iso(self.given_at)
        d["text"] = hint_text(self.kind, self.content)
        return d


@dataclass
class Grade:
    exercise: int
    trainee: str
    accuracy: float
    seconds: float
    par_seconds: int
    hint_cost: int
    points: int
    solved: bool
    answers_used: int
    max_answers: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Taken:
    exercise: dict[str, Any]
    trainee: str
    started_at: datetime
    hints: list[Hint]
    answers: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "trainee": self.trainee,
            "started_at": iso(self.started_at),
            "hints": [h.to_dict() for h in self.hints],
            "answers": self.answers,
        }


@dataclass
class ProgressRow:
    trainee: str
    name: str
    assigned: int
    attempted: int
    solved: int
    mean_accuracy: float | None
    median_seconds: float | None
    hints_used: int
    hint_points: int
    points: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- classes and trainees


def _name(value: str, what: str, limit: int = 100) -> str:
    v = (value or "").strip()
    if not v:
        raise ValidationError(f"{what}: empty")
    if len(v) > limit:
        raise ValidationError(f"{what}: longer than {limit} characters")
    return v


def add_class(conn: Connection, name: str, instructor: str, actor: str = "cli") -> Klass:
    n = _name(name, "class name")
    ins = _name(instructor, "instructor")
    if conn.execute(sa.select(training_class.c.id).where(training_class.c.name == n)).first():
        raise ConflictError(f"class {n!r} already exists")
    cid = new_id()
    conn.execute(
        training_class.insert().values(id=cid, name=n, instructor=ins, created_at=utcnow())
    )
    audit.record(conn, actor, "train.class.add", n, {"instructor": ins})
    return Klass(cid, n, ins)


def get_class(conn: Connection, name: str) -> Klass:
    row = conn.execute(
        sa.select(training_class).where(training_class.c.name == name.strip())
    ).first()
    if row is None:
        raise NotFoundError(f"no class {name!r} (see `liaison train class list`)")
    count = conn.execute(
        sa.select(sa.func.count()).select_from(trainee).where(trainee.c.class_id == row.id)
    ).scalar_one()
    return Klass(row.id, row.name, row.instructor, count)


def list_classes(conn: Connection) -> list[Klass]:
    counts = dict(
        conn.execute(
            sa.select(trainee.c.class_id, sa.func.count()).group_by(trainee.c.class_id)
        ).all()
    )
    rows = conn.execute(sa.select(training_class).order_by(training_class.c.name))
    return [Klass(r.id, r.name, r.instructor, counts.get(r.id, 0)) for r in rows]


def add_trainee(
    conn: Connection, username: str, name: str, class_name: str, actor: str = "cli"
) -> Trainee:
    u = _name(username, "username")
    if any(ch.isspace() for ch in u):
        raise ValidationError(f"username {u!r} must not contain spaces")
    k = get_class(conn, class_name)
    if conn.execute(sa.select(trainee.c.id).where(trainee.c.username == u)).first():
        raise ConflictError(f"trainee {u!r} already exists")
    tid = new_id()
    full = (name or "").strip() or u
    conn.execute(
        trainee.insert().values(id=tid, username=u, name=full, class_id=k.id, created_at=utcnow())
    )
    audit.record(conn, actor, "train.trainee.add", u, {"class": k.name})
    return Trainee(tid, u, full, k.name)


def get_trainee(conn: Connection, username: str) -> Trainee:
    row = conn.execute(
        sa.select(trainee, training_class.c.name.label("class_name"))
        .select_from(trainee.join(training_class, trainee.c.class_id == training_class.c.id))
        .where(trainee.c.username == username.strip())
    ).first()
    if row is None:
        raise NotFoundError(f"no trainee {username!r} (see `liaison train trainee add`)")
    return Trainee(row.id, row.username, row.name, row.class_name)


def is_trainee(conn: Connection, username: str) -> bool:
    """Is `username` enrolled in any class (the web shows the trainee page, not the instructor's)?"""
    q = sa.select(trainee.c.id).where(trainee.c.username == username.strip())
    return conn.execute(q).first() is not None


def list_trainees(conn: Connection, class_name: str | None = None) -> list[Trainee]:
    q = (
        sa.select(trainee, training_class.c.name.label("class_name"))
        .select_from(trainee.join(training_class, trainee.c.class_id == training_class.c.id))
        .order_by(trainee.c.username)
    )
    if class_name:
        q = q.where(training_class.c.id == get_class(conn, class_name).id)
    return [Trainee(r.id, r.username, r.name, r.class_name) for r in conn.execute(q)]


# ---------------------------------------------------------------- exercises


def _exercise(conn: Connection, r: Any) -> Exercise:
    sets = conn.execute(
        sa.select(training_class.c.name, exercise_set.c.name)
        .select_from(
            exercise_set_item.join(
                exercise_set, exercise_set_item.c.set_id == exercise_set.c.id
            ).join(training_class, exercise_set.c.class_id == training_class.c.id)
        )
        .where(exercise_set_item.c.exercise_id == r.id)
        .order_by(training_class.c.name, exercise_set.c.name)
    ).all()
    return Exercise(
        r.id,
        r.number,
        to_utc(r.created_at),
        r.created_by,
        r.cipher,
        r.language,
        r.difficulty,
        r.kind,
        r.text,
        r.plaintext,
        list(r.key),
        r.ciphertext,
        r.max_answers,
        [f"{c}/{s}" for c, s in sets],
    )


def get_exercise(conn: Connection, number: int | str) -> Exercise:
    try:
        n = int(str(number).strip().lstrip("#Ee"))
    except ValueError:
        raise ValidationError(f"exercise number must be a number, got {number!r}") from None
    row = conn.execute(sa.select(exercise).where(exercise.c.number == n)).first()
    if row is None:
        raise NotFoundError(f"no exercise {n} (see `liaison train exercise list`)")
    return _exercise(conn, row)


def _set_id(conn: Connection, class_id: str, set_name: str, actor: str) -> str:
    row = conn.execute(
        sa.select(exercise_set.c.id).where(
            exercise_set.c.class_id == class_id, exercise_set.c.name == set_name
        )
    ).first()
    if row:
        return str(row.id)
    sid = new_id()
    conn.execute(
        exercise_set.insert().values(
            id=sid, name=set_name, class_id=class_id, created_at=utcnow(), created_by=actor
        )
    )
    return sid


def assign(
    conn: Connection, numbers: list[int], class_name: str, set_name: str, actor: str = "cli"
) -> list[int]:
    """Put exercises into a class's set (created on first use); already-present ones are kept."""
    k = get_class(conn, class_name)
    sname = _name(set_name, "set name")
    sid = _set_id(conn, k.id, sname, actor)
    pos = conn.execute(
        sa.select(sa.func.coalesce(sa.func.max(exercise_set_item.c.position), 0)).where(
            exercise_set_item.c.set_id == sid
        )
    ).scalar_one()
    added = []
    for num in numbers:
        ex = get_exercise(conn, num)
        if conn.execute(
            sa.select(exercise_set_item.c.set_id).where(
                exercise_set_item.c.set_id == sid, exercise_set_item.c.exercise_id == ex.id
            )
        ).first():
            continue
        pos += 1
        conn.execute(exercise_set_item.insert().values(set_id=sid, exercise_id=ex.id, position=pos))
        added.append(ex.number)
    audit.record(conn, actor, "train.exercise.assign", f"{k.name}/{sname}", {"exercises": added})
    return added


def new_exercises(
    conn: Connection,
    cipher: str,
    language: str,
    *,
    letters: int | None = None,
    difficulty: int = 2,
    kind: str = "report",
    count: int = 1,
    class_name: str | None = None,
    set_name: str | None = None,
    max_answers: int = 3,
    seed: int | None = None,
    actor: str = "cli",
    alphabet: str | None = None,
) -> list[Exercise]:
    """Generate ``count`` exercises; with ``class_name`` they go into a set assigned to it.

    ``alphabet`` (`alphabets.resolve`: ``pl26``, or ``26`` with the language) writes the traffic
    in that alphabet, as it was sent; the exercise stores the alphabet id as its language."""
    problems = []
    if alphabet is not None and alphabet.strip():
        try:
            language = resolve(language, alphabet) or language
        except LiaisonError as exc:
            problems.append(f"alphabet: {exc}")
    if cipher not in named.names():
        problems.append(f"cipher: unknown {cipher!r}; use one of {', '.join(named.names())}")
    if language not in ALL_ALPHABETS:
        problems.append(f"language: must be one of {', '.join(ALL_ALPHABETS)}, got {language!r}")
    if kind not in messages.KINDS:
        problems.append(f"kind: must be one of {', '.join(messages.KINDS)}, got {kind!r}")
    if not 1 <= difficulty <= 5:
        problems.append(f"difficulty: must be 1–5, got {difficulty}")
    n_letters = letters if letters is not None else default_letters(max(1, min(5, difficulty)))
    if not MIN_LETTERS <= n_letters <= MAX_LETTERS:
        problems.append(f"length: must be {MIN_LETTERS}–{MAX_LETTERS} letters, got {n_letters}")
    if not 1 <= count <= 100:
        problems.append(f"count: must be 1–100, got {count}")
    if not 1 <= max_answers <= 20:
        problems.append(f"max answers: must be 1–20, got {max_answers}")
    if problems:
        raise ValidationError("no exercise created", problems)
    klass = get_class(conn, class_name) if class_name else None
    rng = random.Random(seed if seed is not None else int.from_bytes(os.urandom(8), "big"))
    last = conn.execute(sa.select(sa.func.coalesce(sa.func.max(exercise.c.number), 0))).scalar_one()
    made: list[Exercise] = []
    for i in range(count):
        msg = messages.message(language, n_letters, rng, kind)
        key = named.random_key(cipher, language, difficulty, rng)
        ct = named.apply(cipher, msg.letters, key, language)
        if named.apply(cipher, ct, key, language, decrypt=True) != msg.letters:
            raise ConflictError(f"{cipher} does not decrypt its own output; exercise not created")
        eid = new_id()
        try:
            conn.execute(
                exercise.insert().values(
                    id=eid,
                    number=last + i + 1,
                    created_at=utcnow(),
                    created_by=actor,
                    cipher=cipher,
                    language=language,
                    difficulty=difficulty,
                    kind=kind,
                    text=msg.text,
                    plaintext=msg.letters,
                    key=key,
                    ciphertext=ct,
                    max_answers=max_answers,
                )
            )
        except sa.exc.IntegrityError:
            raise ConflictError("another exercise took the same number; try again") from None
        audit.record(
            conn,
            actor,
            "train.exercise.new",
            f"E{last + i + 1}",
            {"cipher": cipher, "language": language, "difficulty": difficulty, "letters": len(ct)},
        )
        made.append(get_exercise(conn, last + i + 1))
    if klass is not None:
        sname = set_name or f"set-{utcnow():%Y-%m-%d}"
        assign(conn, [e.number for e in made], klass.name, sname, actor)
        made = [get_exercise(conn, e.number) for e in made]
    return made


def list_exercises(conn: Connection, class_name: str | None = None) -> list[Exercise]:
    q = sa.select(exercise).order_by(exercise.c.number)
    if class_name:
        k = get_class(conn, class_name)
        q = q.where(
            exercise.c.id.in_(
                sa.select(exercise_set_item.c.exercise_id)
                .join(exercise_set, exercise_set_item.c.set_id == exercise_set.c.id)
                .where(exercise_set.c.class_id == k.id)
            )
        )
    return [_exercise(conn, r) for r in conn.execute(q)]


# ---------------------------------------------------------------- the trainee's side


def _assigned_ids(conn: Connection, t: Trainee) -> set[str]:
    k = get_class(conn, t.class_name)
    return set(
        conn.execute(
            sa.select(exercise_set_item.c.exercise_id)
            .join(exercise_set, exercise_set_item.c.set_id == exercise_set.c.id)
            .where(exercise_set.c.class_id == k.id)
        ).scalars()
    )


def _attempt(conn: Connection, ex: Exercise, t: Trainee) -> Any:
    return conn.execute(
        sa.select(exercise_attempt).where(
            exercise_attempt.c.exercise_id == ex.id, exercise_attempt.c.trainee_id == t.id
        )
    ).first()


def _check_assigned(conn: Connection, ex: Exercise, t: Trainee) -> None:
    if ex.id not in _assigned_ids(conn, t):
        raise NotFoundError(f"exercise {ex.number} is not assigned to {t.username}'s class")


def _hints(conn: Connection, attempt_id: str) -> list[Hint]:
    rows = conn.execute(
        sa.select(exercise_hint)
        .where(exercise_hint.c.attempt_id == attempt_id)
        .order_by(exercise_hint.c.given_at, exercise_hint.c.id)
    )
    return [Hint(r.kind, r.cost, dict(r.content), to_utc(r.given_at), r.cost > 0) for r in rows]


def _answers(conn: Connection, attempt_id: str) -> list[Any]:
    return conn.execute(
        sa.select(exercise_answer)
        .where(exercise_answer.c.attempt_id == attempt_id)
        .order_by(exercise_answer.c.submitted_at, exercise_answer.c.id)
    ).all()


def _best(answers: list[Any]) -> Any:
    """The answer that counts: a solving one first, then the most points, then accuracy."""
    return max(answers, key=lambda a: (a.solved, a.points, a.accuracy), default=None)


def _answer_dict(r: Any) -> dict[str, Any]:
    return {
        "submitted_at": iso(to_utc(r.submitted_at)),
        "accuracy": r.accuracy,
        "seconds": r.seconds,
        "hint_cost": r.hint_cost,
        "points": r.points,
        "solved": r.solved,
    }


def assigned(conn: Connection, username: str) -> list[dict[str, Any]]:
    """The trainee's exercises with their state: new, taken, solved or closed (answers used up)."""
    t = get_trainee(conn, username)
    ids = _assigned_ids(conn, t)
    if not ids:
        return []
    out = []
    for r in conn.execute(
        sa.select(exercise).where(exercise.c.id.in_(ids)).order_by(exercise.c.number)
    ):
        ex = _exercise(conn, r)
        att = _attempt(conn, ex, t)
        state, best, used, hints = "new", None, 0, 0
        if att is not None:
            ans = _answers(conn, att.id)
            used = len(ans)
            hints = len(_hints(conn, att.id))
            best = _best(ans)
            if any(a.solved for a in ans):
                state = "solved"
            elif used >= ex.max_answers:
                state = "closed"
            else:
                state = "taken"
        pub = ex.public()
        del pub["ciphertext"]
        pub.update(
            state=state,
            answers_used=used,
            hints=hints,
            best_accuracy=best.accuracy if best else None,
            best_points=best.points if best else None,
        )
        out.append(pub)
    return out


def view(conn: Connection, number: int | str, username: str) -> Taken | None:
    """The trainee's attempt so far (ciphertext, hints, answers), or None if not taken; no writes."""
    t = get_trainee(conn, username)
    ex = get_exercise(conn, number)
    _check_assigned(conn, ex, t)
    att = _attempt(conn, ex, t)
    if att is None:
        return None
    return Taken(
        ex.public(),
        t.username,
        to_utc(att.started_at),
        _hints(conn, att.id),
        [_answer_dict(a) for a in _answers(conn, att.id)],
    )


def take(conn: Connection, number: int | str, username: str, now: datetime | None = None) -> Taken:
    """Start (or resume) an exercise: the clock starts at the first take; shows the ciphertext."""
    seen = view(conn, number, username)
    if seen is not None:
        return seen
    t = get_trainee(conn, username)
    ex = get_exercise(conn, number)
    started = to_utc(now) if now else utcnow()
    conn.execute(
        exercise_attempt.insert().values(
            id=new_id(), exercise_id=ex.id, trainee_id=t.id, started_at=started
        )
    )
    audit.record(conn, t.username, "train.exercise.take", f"E{ex.number}", {})
    return Taken(ex.public(), t.username, started, [], [])


def _started(conn: Connection, ex: Exercise, t: Trainee) -> Any:
    _check_assigned(conn, ex, t)
    att = _attempt(conn, ex, t)
    if att is None:
        raise ConflictError(
            f"{t.username} has not taken exercise {ex.number} yet "
            f"(`liaison train take {ex.number} --trainee {t.username}`)"
        )
    return att


def _ioc(values: list[str]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    return sum(c * (c - 1) for c in Counter(values).values()) / (n * (n - 1))


def _symbols(ex: Exercise) -> list[str]:
    """Ciphertext symbols: letters, or two-digit groups when the cipher text is digits."""
    ct = "".join(ex.ciphertext.split())
    if ct.isdigit():
        return [ct[i : i + 2] for i in range(0, len(ct) - 1, 2)]
    return list(normalise(ct, ex.language))


def _lang_ioc(lang: str) -> float:
    f = FREQ[lang]
    total = sum(f.values())
    return sum((v / total) ** 2 for v in f.values())


def _hint_content(ex: Exercise, kind: str, earlier: list[Hint]) -> dict[str, Any]:
    lang = ex.language
    if kind == "frequency":
        sym = _symbols(ex)
        counts = Counter(sym).most_common()
        f = FREQ[lang]
        total = sum(f.values())
        return {
            "ciphertext": [[s, c, round(100 * c / len(sym), 1)] for s, c in counts],
            "language": [
                [ch, round(100 * v / total, 1)]
                for ch, v in sorted(f.items(), key=lambda kv: -kv[1])
            ],
        }
    if kind == "ioc":
        sym = _symbols(ex)
        periods = {}
        for p in range(1, min(12, max(1, len(sym) // 6)) + 1):
            periods[p] = round(sum(_ioc(sym[c::p]) for c in range(p)) / p, 4)
        lang_i = _lang_ioc(lang)
        flat = 1 / len(alphabet(lang))
        threshold = 0.6 * lang_i + 0.4 * flat
        top = max(periods.values())
        # the smallest period close to the best: divisors of the true period score lower, multiples
        # about the same, so "close to the best" picks the period itself
        ok = [p for p, v in periods.items() if v >= max(threshold, 0.9 * top)]
        return {
            "ioc": round(_ioc(sym), 4),
            "language_ioc": round(lang_i, 4),
            "random_ioc": round(flat, 4),
            "periods": periods,
            "likely_period": min(ok) if ok else None,
        }
    if kind == "crib":
        given = {h.content.get("word") for h in earlier if h.kind == "crib"}
        for w in messages.cribs_in(ex.text, lang):
            if w not in given:
                return {"word": w}
        first = normalise(ex.text.split()[0], lang)
        if first not in given:
            return {"word": first, "at_start": True}
        raise ConflictError("no further crib for this message")
    if kind == "key":
        return _key_hint(ex, [h.content for h in earlier if h.kind == "key"])
    raise ValidationError(f"hint kind must be one of {', '.join(HINT_COSTS)}, got {kind!r}")


def _key_hint(ex: Exercise, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """Reveal one more key element: a plain→cipher pair for monoalphabetic ciphers (the most
    frequent plaintext letter not yet given), else the next key letter or additive digit."""
    lang = ex.language
    base = named.ALIASES.get(ex.cipher, (ex.cipher, {}))[0]
    if base in ("caesar", "affine", "substitution"):
        done = {e.get("plain") for e in earlier}
        for ch, _ in Counter(ex.plaintext).most_common():
            if ch not in done:
                return {"plain": ch, "cipher": named.apply(ex.cipher, ch, ex.key, lang)}
        raise ConflictError("every plaintext letter has been revealed")
    parts = [str(k) for k in ex.key if isinstance(k, str)]
    if parts:
        done_pos = {(e.get("part", 1), e.get("position")) for e in earlier}
        for pi, part in enumerate(parts, start=1):
            for pos in range(1, len(part) + 1):
                if (pi, pos) not in done_pos:
                    return {
                        "part": pi,
                        "position": pos,
                        "value": part[pos - 1],
                        "length": len(part),
                    }
        raise ConflictError("the whole key has been revealed")
    done_plain = {e.get("position") for e in earlier if "plain_letter" in e}
    for pos in range(1, len(ex.plaintext) + 1):
        if pos not in done_plain:
            return {"position": pos, "plain_letter": ex.plaintext[pos - 1]}
    raise ConflictError("nothing left to reveal")


def hint(
    conn: Connection, number: int | str, username: str, kind: str, now: datetime | None = None
) -> Hint:
    """Give a hint and record it. Frequency and IoC hints are charged once (asking again shows the
    same table); each crib and each revealed key element is a new hint with its cost."""
    if kind not in HINT_COSTS:
        raise ValidationError(f"hint kind must be one of {', '.join(HINT_COSTS)}, got {kind!r}")
    t = get_trainee(conn, username)
    ex = get_exercise(conn, number)
    att = _started(conn, ex, t)
    ans = _answers(conn, att.id)
    if any(a.solved for a in ans):
        raise ConflictError(f"exercise {ex.number} is already solved")
    if len(ans) >= ex.max_answers:
        raise ConflictError(f"all {ex.max_answers} answers to exercise {ex.number} are used")
    earlier = _hints(conn, att.id)
    when = to_utc(now) if now else utcnow()
    if kind in ("frequency", "ioc"):
        for h in earlier:
            if h.kind == kind:
                return Hint(h.kind, 0, h.content, h.given_at, charged=False)
    content = _hint_content(ex, kind, earlier)
    cost = HINT_COSTS[kind]
    conn.execute(
        exercise_hint.insert().values(
            id=new_id(), attempt_id=att.id, given_at=when, kind=kind, cost=cost, content=content
        )
    )
    audit.record(
        conn, t.username, "train.exercise.hint", f"E{ex.number}", {"kind": kind, "cost": cost}
    )
    return Hint(kind, cost, content, when)


def accuracy(expected: str, given: str) -> float:
    """Letter accuracy (see the module docstring): positional at equal length, else common runs."""
    if not expected:
        return 0.0
    if len(given) == len(expected):
        return sum(a == b for a, b in zip(expected, given, strict=True)) / len(expected)
    sm = SequenceMatcher(None, expected, given, autojunk=False)
    common = sum(b.size for b in sm.get_matching_blocks() if b.size >= 3)
    return common / max(len(expected), len(given))


def answer(
    conn: Connection, number: int | str, username: str, text: str, now: datetime | None = None
) -> Grade:
    """Grade and record an answer; refused once solved or when the answers are used up."""
    t = get_trainee(conn, username)
    ex = get_exercise(conn, number)
    att = _started(conn, ex, t)
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationError(f"answer is longer than {MAX_ANSWER_CHARS} characters")
    given = normalise(text, ex.language)
    if not given:
        raise ValidationError(f"the answer has no letters of the {ex.language} alphabet")
    prior = _answers(conn, att.id)
    if any(a.solved for a in prior):
        raise ConflictError(f"exercise {ex.number} is already solved")
    if len(prior) >= ex.max_answers:
        raise ConflictError(f"all {ex.max_answers} answers to exercise {ex.number} are used")
    when = to_utc(now) if now else utcnow()
    seconds = max(0.0, (when - to_utc(att.started_at)).total_seconds())
    acc = accuracy(ex.plaintext, given)
    par = par_seconds(ex.difficulty, ex.letters)
    factor = 1.0 if seconds <= par else max(0.5, par / seconds)
    cost = sum(h.cost for h in _hints(conn, att.id))
    points = max(0, round(100 * acc * factor) - cost)
    solved = acc >= SOLVED_AT
    conn.execute(
        exercise_answer.insert().values(
            id=new_id(),
            attempt_id=att.id,
            submitted_at=when,
            answer=given,
            accuracy=round(acc, 4),
            seconds=round(seconds, 1),
            hint_cost=cost,
            points=points,
            solved=solved,
        )
    )
    audit.record(
        conn,
        t.username,
        "train.exercise.answer",
        f"E{ex.number}",
        {"accuracy": round(acc, 4), "points": points, "solved": solved},
    )
    return Grade(
        ex.number,
        t.username,
        round(acc, 4),
        round(seconds, 1),
        par,
        cost,
        points,
        solved,
        len(prior) + 1,
        ex.max_answers,
    )


# ---------------------------------------------------------------- progress


def progress(conn: Connection, class_name: str) -> list[ProgressRow]:
    """Per trainee of the class, over the exercises assigned to it: attempted (taken), solved,
    mean accuracy and median time of each attempted exercise's best answer, hints and points."""
    k = get_class(conn, class_name)
    ex_ids = set(
        conn.execute(
            sa.select(exercise_set_item.c.exercise_id)
            .join(exercise_set, exercise_set_item.c.set_id == exercise_set.c.id)
            .where(exercise_set.c.class_id == k.id)
        ).scalars()
    )
    rows = []
    for t in list_trainees(conn, k.name):
        atts = conn.execute(
            sa.select(exercise_attempt).where(exercise_attempt.c.trainee_id == t.id)
        ).all()
        atts = [a for a in atts if a.exercise_id in ex_ids]
        solved = 0
        accs: list[float] = []
        times: list[float] = []
        hints_used = hint_points = points = 0
        for a in atts:
            hs = _hints(conn, a.id)
            hints_used += len(hs)
            hint_points += sum(h.cost for h in hs)
            ans = _answers(conn, a.id)
            if not ans:
                continue
            best = _best(ans)
            accs.append(best.accuracy)
            times.append(best.seconds)
            points += best.points
            solved += bool(best.solved)
        rows.append(
            ProgressRow(
                t.username,
                t.name,
                len(ex_ids),
                len(atts),
                solved,
                round(statistics.fmean(accs), 4) if accs else None,
                round(statistics.median(times), 1) if times else None,
                hints_used,
                hint_points,
                points,
            )
        )
    return rows


# ---------------------------------------------------------------- presentation


def hint_text(kind: str, c: dict[str, Any]) -> str:
    """A hint as one short paragraph, the same for CLI and web."""
    if kind == "frequency":
        ct = " ".join(f"{s}:{p}" for s, _, p in c["ciphertext"][:12])
        lg = " ".join(f"{s}:{p}" for s, p in c["language"][:12])
        return f"ciphertext %: {ct}\nlanguage   %: {lg}"
    if kind == "ioc":
        per = c.get("likely_period")
        tail = f"likely period {per}" if per else "no period stands out"
        return (
            f"IoC {c['ioc']} (language {c['language_ioc']}, random {c['random_ioc']}); {tail}; "
            "mean column IoC by period: " + " ".join(f"{p}:{v}" for p, v in c["periods"].items())
        )
    if kind == "crib":
        where = "the message begins with" if c.get("at_start") else "the message contains"
        return f"{where} «{c['word']}»"
    if kind == "key":
        if "plain" in c:
            return f"plain {c['plain']} is enciphered as {c['cipher']}"
        if "value" in c:
            part = f" of key {c['part']}" if c.get("part", 1) > 1 else ""
            return f"key element {c['position']} of {c['length']}{part} is {c['value']}"
        return f"plaintext letter {c['position']} is {c['plain_letter']}"
    return str(c)
