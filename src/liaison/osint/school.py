"""Open-source exercises for the school: a set of documents, a key of the observations a careful
compiler finds in them, and trainees' answers graded against the key.

Kowalewski taught the Japanese officers both ciphers and the compilation of open sources. The
exercise is the compiler's job without the tool's help: read reposts, translations and noise,
and write down each unit *once*, where it was and when. Classes and trainees are the codebreaking
school's (codebreak.training); only the exercise tables are this module's.

Grading. Key items and answer rows are paired one to one (Hungarian assignment on the pair
score). A pair needs the unit right (number and echelon, as the extraction benchmark counts it); it then
scores 0.5 for the unit, 0.3 for the place within PLACE_KM and 0.2 for the date at the key's
precision. A row that pairs with nothing is an extra (it costs precision), a key item paired with
nothing is missed. Precision, recall and F1 count fully right pairs; points are
100 × (sum of pair scores) / max(key items, answer rows), so both a missed unit and an invented
one cost.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from scipy.optimize import linear_sum_assignment
from sqlalchemy.engine import Connection

from liaison.codebreak import coursework as cw
from liaison.codebreak.training import get_class
from liaison.core.clock import iso, utcnow
from liaison.core.errors import ValidationError
from liaison.core.geo import haversine_km
from liaison.core.ids import new_id
from liaison.names import parse_designation
from liaison.store import audit
from liaison.store.schema.osint import (
    osint_exercise,
    osint_exercise_answer,
    osint_exercise_document,
)
from liaison.store.schema.training import training_class

PLACE_KM = 25.0
MAX_ROWS = 500
COLUMNS = ("designation", "place", "lat", "lon", "date")
DEMO = Path(__file__).resolve().parent.parent / "data" / "osint" / "exercise1"


@dataclass
class Row:
    """One observation in a key or an answer."""

    designation: str
    number: int | None
    echelon: str | None
    branch: str | None
    place: str | None
    lat: float | None
    lon: float | None
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _date(text: str, where: str) -> str | None:
    s = text.strip()
    if not s:
        return None
    try:
        if len(s) == 10:
            date.fromisoformat(s)
        elif len(s) == 7:
            date.fromisoformat(s + "-01")
        elif len(s) == 4:
            int(s)
        else:
            raise ValueError
    except ValueError:
        raise ValidationError(f"{where}: date {s!r} is not YYYY, YYYY-MM or YYYY-MM-DD") from None
    return s


def parse_rows(text: str, what: str) -> list[Row]:
    """A key or an answer as CSV (designation, place, lat, lon, date; only designation required).

    Every problem is reported with its line; a place without coordinates is looked up in the
    gazetteer."""
    from liaison.names.gazetteer import resolve

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    cols = [c.strip().lower() for c in (reader.fieldnames or [])]
    if "designation" not in cols:
        raise ValidationError(f"{what}: needs a header with at least 'designation'")
    unknown = set(cols) - set(COLUMNS)
    if unknown:
        raise ValidationError(
            f"{what}: unknown column(s) {', '.join(sorted(unknown))}; expected {', '.join(COLUMNS)}"
        )
    rows: list[Row] = []
    problems: list[str] = []
    for n, raw in enumerate(reader, 2):
        r = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        where = f"{what}, line {n}"
        if not any(r.values()):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(f"{what}: more than {MAX_ROWS} rows")
            break
        try:
            des = r.get("designation", "")
            if not des:
                raise ValidationError(f"{where}: designation is empty")
            d = parse_designation(des)
            if d.number is None or d.echelon is None:
                raise ValidationError(
                    f"{where}: {des!r} does not read as a numbered unit (number and echelon)"
                )
            lat = lon = None
            if r.get("lat") or r.get("lon"):
                try:
                    lat, lon = float(r["lat"]), float(r["lon"])
                except (KeyError, ValueError):
                    raise ValidationError(f"{where}: lat and lon must both be numbers") from None
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValidationError(f"{where}: lat/lon out of range")
            elif r.get("place"):
                res = resolve(r["place"])
                if res.place is None:
                    raise ValidationError(
                        f"{where}: place {r['place']!r} is {res.status} in the gazetteer; "
                        "give lat and lon"
                    )
                lat, lon = res.place.lat, res.place.lon
            rows.append(
                Row(
                    des,
                    d.number,
                    d.echelon,
                    d.branch,
                    r.get("place") or None,
                    lat,
                    lon,
                    _date(r.get("date", ""), where),
                )
            )
        except ValidationError as exc:
            problems.append(str(exc))
    if problems:
        raise ValidationError(f"{what}: {len(problems)} problem(s)", problems)
    return rows


def _pair(k: Row, a: Row) -> tuple[float, dict[str, bool]]:
    unit = k.number == a.number and k.echelon == a.echelon
    if not unit:
        return 0.0, {"unit": False, "place": False, "date": False}
    place = (
        k.lat is not None
        and a.lat is not None
        and haversine_km(k.lat, k.lon, a.lat, a.lon) <= PLACE_KM  # type: ignore[arg-type]
    ) or (k.lat is None and a.lat is None)
    when = (k.date is None) or (a.date is not None and a.date[: len(k.date)] == k.date)
    return 0.5 + 0.3 * place + 0.2 * when, {"unit": True, "place": place, "date": when}


def grade(key: list[Row], answer: list[Row]) -> dict[str, Any]:
    """Precision, recall, F1 of fully right rows, points, and what was right per key item."""
    detail: list[dict[str, Any]] = []
    pairs: dict[int, tuple[int, float, dict[str, bool]]] = {}
    if key and answer:
        m = np.zeros((len(key), len(answer)))
        parts: dict[tuple[int, int], dict[str, bool]] = {}
        for i, k in enumerate(key):
            for j, a in enumerate(answer):
                m[i, j], parts[(i, j)] = _pair(k, a)
        rows, cols = linear_sum_assignment(-m)
        for i, j in zip(rows, cols, strict=True):
            if m[i, j] > 0:
                pairs[int(i)] = (int(j), float(m[i, j]), parts[(int(i), int(j))])
    full = sum(1 for _, s, _ in pairs.values() if s >= 0.999)
    for i, k in enumerate(key):
        if i in pairs:
            j, s, what = pairs[i]
            detail.append({"key": k.designation, "answer_row": j + 1, "score": round(s, 2), **what})
        else:
            detail.append({"key": k.designation, "answer_row": None, "score": 0.0, "unit": False,
                           "place": False, "date": False})  # fmt: skip
    used = {j for j, _, _ in pairs.values()}
    extras = [a.designation for j, a in enumerate(answer) if j not in used]
    precision = full / len(answer) if answer else 0.0
    recall = full / len(key) if key else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = sum(s for _, s, _ in pairs.values())
    points = round(100 * total / max(len(key), len(answer), 1))
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "points": int(points),
        "right": full,
        "key_items": len(key),
        "answer_rows": len(answer),
        "items": detail,
        "extras": extras,
    }


# ---------------------------------------------------------------- store


def new_exercise(
    conn: Connection,
    folder: Path,
    key_csv: Path,
    *,
    class_name: str,
    title: str,
    brief: str = "",
    actor: str = "cli",
    max_answers: int = 3,
    lang: str = "auto",
) -> dict[str, Any]:
    """An exercise from a folder of documents (any kind ingest reads) and its key (CSV)."""
    from liaison.osint.documents import read

    k = get_class(conn, class_name)
    if not 1 <= max_answers <= 20:
        raise ValidationError("max answers must be 1–20")
    title = (title or "").strip() or folder.name
    if len(title) > 300:
        raise ValidationError("title: at most 300 characters")
    try:
        key_text = key_csv.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{key_csv}: cannot read ({exc})") from None
    key = parse_rows(key_text, str(key_csv))
    if not key:
        raise ValidationError(f"{key_csv}: the key has no rows")
    if not folder.is_dir():
        raise ValidationError(f"{folder}: not a folder")
    docs = []
    for f in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if f.resolve() == key_csv.resolve():
            continue
        for d in read(f, lang=lang):
            docs.append((f.name, d))
    if not docs:
        raise ValidationError(f"{folder}: no documents")
    eid = new_id()
    number = cw.next_number(conn, osint_exercise)
    conn.execute(
        osint_exercise.insert().values(
            id=eid,
            number=number,
            title=title,
            class_id=k.id,
            created_at=utcnow(),
            created_by=actor,
            brief=brief.strip(),
            key=[r.to_dict() for r in key],
            max_answers=max_answers,
        )
    )
    conn.execute(
        osint_exercise_document.insert(),
        [
            {
                "exercise_id": eid,
                "position": i,
                "name": name[:300],
                "kind": d.kind,
                "sha256": d.sha256,
                "title": d.title,
                "published": d.published,
                "language": d.language,
                "text": d.text,
            }
            for i, (name, d) in enumerate(docs, 1)
        ],
    )
    audit.record(
        conn,
        actor,
        "train.osint.exercise.add",
        str(number),
        {"class": k.name, "documents": len(docs), "key_items": len(key)},
    )
    return {
        "number": number,
        "title": title,
        "class": k.name,
        "documents": len(docs),
        "key_items": len(key),
    }


def new_demo(conn: Connection, *, class_name: str, actor: str = "cli") -> dict[str, Any]:
    """The shipped exercise: reports in five languages, reposted and translated, with a key."""
    brief = (DEMO / "BRIEF.txt").read_text("utf-8")
    return new_exercise(
        conn,
        DEMO / "documents",
        DEMO / "key.csv",
        class_name=class_name,
        title="Spring reports (demo)",
        brief=brief,
        actor=actor,
    )


def list_exercises(conn: Connection, class_name: str | None = None) -> list[dict[str, Any]]:
    q = (
        sa.select(osint_exercise, training_class.c.name.label("class_name"))
        .select_from(osint_exercise.join(training_class))
        .order_by(osint_exercise.c.number)
    )
    if class_name:
        q = q.where(training_class.c.name == class_name)
    n_docs = dict(
        conn.execute(
            sa.select(osint_exercise_document.c.exercise_id, sa.func.count()).group_by(
                osint_exercise_document.c.exercise_id
            )
        ).all()
    )
    return [
        {
            "number": r.number,
            "title": r.title,
            "class": r.class_name,
            "documents": n_docs.get(r.id, 0),
            "key_items": len(r.key or []),
            "max_answers": r.max_answers,
            "created_by": r.created_by,
            "created_at": iso(r.created_at),
        }
        for r in conn.execute(q)
    ]


_WHAT, _LISTING = "open-source exercise", "liaison osint school list"


def _for_trainee(conn: Connection, number: int, username: str) -> tuple[Any, Any]:
    return cw.for_trainee(conn, osint_exercise, number, username, _WHAT, _LISTING)


def take(conn: Connection, number: int, username: str) -> dict[str, Any]:
    """What a trainee sees: the brief and the documents (never the key)."""
    _, ex = _for_trainee(conn, number, username)
    docs = [
        {
            "position": d.position,
            "name": d.name,
            "kind": d.kind,
            "title": d.title,
            "published": iso(d.published),
            "language": d.language,
            "text": d.text,
        }
        for d in conn.execute(
            sa.select(osint_exercise_document)
            .where(osint_exercise_document.c.exercise_id == ex.id)
            .order_by(osint_exercise_document.c.position)
        )
    ]
    return {"number": ex.number, "title": ex.title, "brief": ex.brief, "documents": docs,
            "columns": list(COLUMNS), "max_answers": ex.max_answers}  # fmt: skip


def answer(conn: Connection, number: int, username: str, csv_text: str) -> dict[str, Any]:
    """Grade a trainee's observations (CSV) against the key; each answer is kept."""
    t, ex = _for_trainee(conn, number, username)
    used = cw.answers_used(conn, osint_exercise_answer, ex, t, _WHAT, number)
    rows = parse_rows(csv_text, "answer")
    key = [Row(**r) for r in ex.key]
    g = grade(key, rows)
    conn.execute(
        osint_exercise_answer.insert().values(
            id=new_id(),
            exercise_id=ex.id,
            trainee_id=t.id,
            submitted_at=utcnow(),
            answer=[r.to_dict() for r in rows],
            precision=g["precision"],
            recall=g["recall"],
            f1=g["f1"],
            points=g["points"],
            detail=g,
        )
    )
    audit.record(
        conn,
        t.username,
        "train.osint.answer",
        str(number),
        {"f1": g["f1"], "points": g["points"], "rows": len(rows)},
    )
    g["answers_used"] = used + 1
    g["max_answers"] = ex.max_answers
    return g


def progress(conn: Connection, class_name: str) -> list[dict[str, Any]]:
    """Per trainee: exercises answered, best points and best F1 on each, summed."""
    assigned, rows = cw.best_answers(conn, osint_exercise, osint_exercise_answer, class_name)
    return [
        {
            "trainee": t.username,
            "name": t.name,
            "assigned": assigned,
            "answered": len(best),
            "points": sum(a.points for a in best.values()),
            "mean_f1": (round(sum(a.f1 for a in best.values()) / len(best), 4) if best else None),
        }
        for t, best in rows
    ]
