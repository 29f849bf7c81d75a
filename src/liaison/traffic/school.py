"""Traffic-analysis and direction-finding exercises for the school, graded against the key.

Kowalewski's school taught more than ciphers: the trainee who cannot read a message can still say
who works whom, which station is control, and where a transmitter stands. Classes and trainees are
the codebreaking school's (codebreak.training); only the exercise tables are this module's.

**Nets** (kind ``nets``): a short generated log; the trainee answers a CSV
``day, call_sign, net, control, station``: every call sign heard, the net it works in (any label),
``yes`` where it is that net's control, and optionally a label tying its call signs across days to
one station. Score = 0.4 × ARI of the nets + 0.3 × controls right + 0.3 × ARI of the stations
(0 when not attempted), over the key's call signs (a call sign missed counts as a net of its own).

**DF** (kind ``df``): our stations and the bearings taken on a few transmitters; the answer is a CSV
``target, lat, lon``. Each target scores 1 inside the key's 95 % ellipse (the fix a careful analyst
reaches from these bearings), 0.5 within twice its semi-major axis, else 0.

Points = 100 × score. Answers are limited and all kept.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.codebreak import coursework as cw
from liaison.codebreak.training import get_class
from liaison.core.clock import iso, utcnow
from liaison.core.errors import ValidationError
from liaison.core.geo import check_lat_lon, haversine_km
from liaison.core.ids import new_id
from liaison.store import audit
from liaison.store.schema.traffic import traffic_exercise, traffic_exercise_answer
from liaison.traffic import df
from liaison.traffic.analysis import adjusted_rand
from liaison.traffic.generate import generate

KINDS = ("nets", "df")
MAX_ROWS = 5000
NETS_BRIEF = (
    "Two days of an enemy front's radio traffic as our stations logged it. Call signs change at "
    "midnight. Say which net each call sign works in, which is each net's control, and (for full "
    "marks) which call signs of the second day are which stations of the first. A headquarters "
    "works two nets: give the one it controls. Answer CSV: "
    "day,call_sign,net,control,station."
)
DF_BRIEF = (
    "Our stations took these bearings (degrees true, with each set's stated error) on {n} "
    "transmitters. Fix each. Answer CSV: target,lat,lon."
)


def _nets_exercise(seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    t = generate(seed, shape=(2, 3), days=2, outlier=0.0, shared_frequency=1.0)
    d0 = t.start.date()
    cols = ("station", "heard_at", "frequency_khz", "call_from", "call_to", "msg_number", "groups",
            "precedence")  # fmt: skip
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(cols), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in t.log:
        w.writerow(r)
    key_rows = []
    for (day, cs), unit in sorted(t.callsigns.items()):
        net = next(n for n in t.nets.values() if unit == n.control or unit in n.outstations)
        # a headquarters works two nets: its own (as control) is where the key puts it
        own = next((n for n in t.nets.values() if n.control == unit), None)
        key_rows.append(
            {
                "day": d0.fromordinal(d0.toordinal() + day).isoformat(),
                "call_sign": cs,
                "net": (own or net).id,
                "control": own is not None,
                "station": unit,
            }
        )
    return {"log": buf.getvalue()}, {"rows": key_rows}


def _df_exercise(seed: int, targets: int = 4) -> tuple[dict[str, Any], dict[str, Any]]:
    rng = np.random.default_rng(seed)
    st = [
        {"name": f"ST{i + 1}", "lat": round(49.0 + 0.9 * i, 4),
         "lon": round(22.0 + float(rng.uniform(-0.5, 0.5)), 4),
         "bearing_error": float(rng.choice([1.0, 1.5, 2.0]))}
        for i in range(5)
    ]  # fmt: skip
    bearings, key = [], []
    for k in range(targets):
        tl, tn = df.destination(
            float(rng.uniform(49.5, 52.5)), 22.0, float(rng.uniform(70, 110)),
            float(rng.uniform(120, 300)),
        )  # fmt: skip
        chosen = rng.choice(len(st), size=int(rng.integers(3, 6)), replace=False)
        bs = []
        for i in chosen:
            s = st[int(i)]
            az = (df.azimuth(s["lat"], s["lon"], tl, tn) + rng.normal(0, s["bearing_error"])) % 360
            bs.append(
                df.Bearing(s["lat"], s["lon"], round(float(az), 1), s["bearing_error"], s["name"])
            )
            bearings.append({"target": f"T{k + 1}", "station": s["name"], "bearing": round(float(az), 1),
                             "bearing_error": s["bearing_error"]})  # fmt: skip
        f = df.fix(bs)
        key.append(
            {"target": f"T{k + 1}", "fix": f.to_dict(), "true": [round(tl, 5), round(tn, 5)]}
        )
    return {"stations": st, "bearings": bearings}, {"targets": key}


def new_exercise(
    conn: Connection,
    kind: str,
    *,
    class_name: str,
    seed: int | None = None,
    actor: str = "cli",
    max_answers: int = 3,
) -> dict[str, Any]:
    """Set a generated nets or DF exercise for a class."""
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}")
    if not 1 <= max_answers <= 20:
        raise ValidationError("max answers must be 1–20")
    k = get_class(conn, class_name)
    number = cw.next_number(conn, traffic_exercise)
    s = seed if seed is not None else number
    material, key = _nets_exercise(s) if kind == "nets" else _df_exercise(s)
    brief = NETS_BRIEF if kind == "nets" else DF_BRIEF.format(n=len(key["targets"]))
    conn.execute(
        traffic_exercise.insert().values(
            id=new_id(), number=number, kind=kind, class_id=k.id, created_at=utcnow(),
            created_by=actor, brief=brief, material=material, key=key, max_answers=max_answers,
        )
    )  # fmt: skip
    audit.record(
        conn, actor, "train.traffic.exercise.add", str(number), {"kind": kind, "class": k.name}
    )
    return {"number": number, "kind": kind, "class": k.name}


def list_exercises(conn: Connection, class_name: str | None = None) -> list[dict[str, Any]]:
    q = sa.select(traffic_exercise).order_by(traffic_exercise.c.number)
    if class_name:
        q = q.where(traffic_exercise.c.class_id == get_class(conn, class_name).id)
    return [
        {"number": r.number, "kind": r.kind, "max_answers": r.max_answers,
         "created_by": r.created_by, "created_at": iso(r.created_at)}
        for r in conn.execute(q)
    ]  # fmt: skip


_WHAT, _LISTING = "traffic exercise", "liaison traffic school list"


def _for_trainee(conn: Connection, number: int, username: str) -> tuple[Any, Any]:
    return cw.for_trainee(conn, traffic_exercise, number, username, _WHAT, _LISTING)


def take(conn: Connection, number: int, username: str) -> dict[str, Any]:
    """What the trainee sees: the brief and the material (never the key)."""
    _, ex = _for_trainee(conn, number, username)
    return {"number": ex.number, "kind": ex.kind, "brief": ex.brief, "material": ex.material,
            "max_answers": ex.max_answers}  # fmt: skip


def _csv(text: str, need: tuple[str, ...], allowed: tuple[str, ...]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    missing = [f for f in need if f not in fields]
    unknown = [f for f in fields if f not in allowed]
    if missing or unknown:
        raise ValidationError(
            "answer: line 1: "
            + (f"missing column(s) {', '.join(missing)} " if missing else "")
            + (f"unknown column(s) {', '.join(unknown)}" if unknown else "")
        )
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"answer: more than {MAX_ROWS} rows")
        rows.append({k.strip().lower(): (v or "").strip() for k, v in row.items() if k})
        rows[-1]["_line"] = str(reader.line_num)
    return rows


def grade_nets(key: dict[str, Any], text: str) -> dict[str, Any]:
    rows = _csv(
        text, ("day", "call_sign", "net"), ("day", "call_sign", "net", "control", "station")
    )
    given: dict[tuple[str, str], dict[str, str]] = {}
    for r in rows:
        k = (r["day"], r["call_sign"].upper())
        if not r["net"]:
            raise ValidationError(f"answer: line {r['_line']}, field net: required")
        if k in given:
            raise ValidationError(f"answer: line {r['_line']}: {k[1]} on {k[0]} given twice")
        given[k] = r
    items = [(r["day"], r["call_sign"]) for r in key["rows"]]
    truth_net = [r["net"] for r in key["rows"]]
    ans_net = [given[i]["net"] if i in given else f"missing:{i}" for i in items]
    ari_net = adjusted_rand(truth_net, ans_net)
    # controls: per true (net, day), the control call sign must be marked control (and no other)
    marked = {
        i for i, r in given.items() if r.get("control", "").lower() in ("yes", "y", "1", "true")
    }
    ctl_right = 0
    ctl_total = 0
    for r in key["rows"]:
        if r["control"]:
            ctl_total += 1
            ctl_right += (r["day"], r["call_sign"]) in marked
    wrong_marks = sum(
        1
        for i in marked
        if i not in {(r["day"], r["call_sign"]) for r in key["rows"] if r["control"]}
    )
    controls = max(0.0, (ctl_right - wrong_marks) / max(1, ctl_total))
    stations_given = any(r.get("station") for r in given.values())
    ari_station = 0.0
    if stations_given:
        ans_st = [
            given[i].get("station") or f"none:{i}" if i in given else f"missing:{i}" for i in items
        ]
        ari_station = adjusted_rand([r["station"] for r in key["rows"]], ans_st)
    score = 0.4 * max(0.0, ari_net) + 0.3 * controls + 0.3 * max(0.0, ari_station)
    return {
        "score": round(score, 4),
        "points": round(100 * score),
        "nets_ari": round(ari_net, 4),
        "controls_right": ctl_right,
        "controls": ctl_total,
        "wrong_controls": wrong_marks,
        "stations_ari": round(ari_station, 4) if stations_given else None,
        "call_signs": len(items),
        "answered": sum(1 for i in items if i in given),
    }


def grade_df(key: dict[str, Any], text: str) -> dict[str, Any]:
    rows = _csv(text, ("target", "lat", "lon"), ("target", "lat", "lon"))
    given: dict[str, tuple[float, float]] = {}
    for r in rows:
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
            check_lat_lon(lat, lon)
        except ValueError as exc:
            raise ValidationError(f"answer: line {r['_line']}, field lat/lon: {exc}") from None
        given[r["target"].upper()] = (lat, lon)
    detail = []
    total = 0.0
    for k in key["targets"]:
        f = k["fix"]
        fx = df.Fix(
            f["lat"], f["lon"], np.array(f["cov_en_km2"]), [], [], 0.0, 0,
            centre=tuple(f["ellipse_centre"]), region=np.array(f["region_en_km2"]),
        )  # fmt: skip
        got = given.get(k["target"])
        if got is None:
            detail.append({"target": k["target"], "score": 0.0, "answered": False})
            continue
        off = haversine_km(got[0], got[1], f["lat"], f["lon"])
        s = 1.0 if df.inside(fx, *got) else (0.5 if off <= 2 * f["semi_major_km"] else 0.0)
        total += s
        detail.append({
            "target": k["target"], "score": s, "answered": True, "km_from_key_fix": round(off, 1),
            "km_from_truth": round(haversine_km(got[0], got[1], *k["true"]), 1),
            "key_semi_major_km": f["semi_major_km"],
        })  # fmt: skip
    score = total / len(key["targets"])
    return {"score": round(score, 4), "points": round(100 * score), "targets": detail}


def answer(conn: Connection, number: int, username: str, text: str) -> dict[str, Any]:
    """Grade a trainee's answer against the key; every answer is kept."""
    t, ex = _for_trainee(conn, number, username)
    used = cw.answers_used(conn, traffic_exercise_answer, ex, t, _WHAT, number)
    g = grade_nets(ex.key, text) if ex.kind == "nets" else grade_df(ex.key, text)
    conn.execute(
        traffic_exercise_answer.insert().values(
            id=new_id(), exercise_id=ex.id, trainee_id=t.id, submitted_at=utcnow(),
            answer={"csv": text[:200_000]}, score=g["score"], points=g["points"], detail=g,
        )
    )  # fmt: skip
    audit.record(conn, t.username, "train.traffic.answer", str(number), {"points": g["points"]})
    g["answers_used"] = used + 1
    g["max_answers"] = ex.max_answers
    return g


def progress(conn: Connection, class_name: str) -> list[dict[str, Any]]:
    """Per trainee: traffic exercises answered and the best points on each, summed."""
    assigned, rows = cw.best_answers(conn, traffic_exercise, traffic_exercise_answer, class_name)
    return [
        {"trainee": t.username, "assigned": assigned, "answered": len(best),
         "points": sum(a.points for a in best.values())}
        for t, best in rows
    ]  # fmt: skip
