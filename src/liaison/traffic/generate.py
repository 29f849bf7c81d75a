"""Generated radio traffic from a known order of battle, with the key kept beside it.

A front commands armies, armies divisions, divisions regiments, regiments battalions. Every
headquarters controls one net (its own frequency and schedule) whose outstations are its
subordinates; every unit but the front is an outstation in its parent's net. Call signs change
daily at 00:00 UTC; frequencies stay for the week, and some nets share a frequency on different
schedules (so grouping by frequency alone is wrong). Outstations report in their own slot of each
window with their own volume and message length — the habits an analyst links call signs by.

Our intercept stations hear each transmission with some probability and log it with noise: the
frequency misread by a fraction of a kHz, a call sign garbled, a bearing with its station's error and
now and then a wild one, and a few spurious lines. The key says which net, which unit and which
call sign every real transmission belongs to.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from liaison.traffic.df import azimuth, destination

PRECEDENCES = ("ROUTINE", "PRIORITY", "IMMEDIATE", "FLASH")
LOG_COLUMNS = (
    "station",
    "heard_at",
    "frequency_khz",
    "call_from",
    "call_to",
    "msg_number",
    "groups",
    "precedence",
    "bearing",
    "bearing_error",
)
ECHELONS = ("front", "army", "division", "regiment", "battalion")


@dataclass
class GenUnit:
    local_id: str
    designation: str
    echelon: str
    parent: str | None
    lat: float
    lon: float
    slot: int = 0  # minute of its report within its parent's window
    rate: float = 0.6  # chance of reporting in a window
    groups: float = 50.0  # mean message length


@dataclass
class GenNet:
    id: str
    control: str
    outstations: list[str]
    frequency_khz: float
    period_h: int
    offset_h: int
    offset_min: int


@dataclass
class GenStation:
    name: str
    lat: float
    lon: float
    sigma: float  # stated bearing error, degrees


@dataclass
class Traffic:
    """What the generator made: the order of battle, our stations, the log and the key."""

    start: datetime
    days: int
    units: dict[str, GenUnit]
    nets: dict[str, GenNet]
    stations: list[GenStation]
    log: list[dict[str, Any]]
    #: per log row: the transmission it copies (None for a spurious line)
    row_tx: list[int | None]
    #: per transmission: (net id, from unit, to unit, day)
    tx: list[tuple[str, str, str, int]]
    callsigns: dict[tuple[int, str], str]  # (day, call sign) → unit
    outliers: set[int] = field(default_factory=set)  # log rows whose bearing is wild

    def callsign_of(self, day: int, unit: str) -> str:
        for (d, cs), u in self.callsigns.items():
            if d == day and u == unit:
                return cs
        raise KeyError((day, unit))

    def csv_text(self) -> str:
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(LOG_COLUMNS), lineterminator="\n")
        w.writeheader()
        for r in self.log:
            w.writerow(r)
        return buf.getvalue()


def _orbat(rng: np.random.Generator, shape: tuple[int, ...]) -> dict[str, GenUnit]:
    units: dict[str, GenUnit] = {}
    front = GenUnit("F1", "1st Front", "front", None, 52.0, 30.0)
    units[front.local_id] = front
    level = [front]
    for depth, n in enumerate(shape, start=1):
        nxt = []
        spread = {1: 120.0, 2: 40.0, 3: 15.0, 4: 6.0}.get(depth, 5.0)
        for p in level:
            for i in range(n):
                uid = f"{p.local_id}.{i + 1}"
                lat, lon = destination(
                    p.lat,
                    p.lon,
                    float(rng.uniform(200, 340)),
                    float(rng.uniform(0.5, 1.0)) * spread,
                )
                if depth == 1:  # armies along the front line, facing west
                    lat, lon = 50.0 + 1.2 * i, 27.0 + float(rng.uniform(-0.3, 0.3))
                u = GenUnit(
                    uid,
                    f"{i + 1} {ECHELONS[depth].title()} ({p.designation})",
                    ECHELONS[depth],
                    p.local_id,
                    lat,
                    lon,
                    slot=2 + 4 * i,
                    rate=float(rng.uniform(0.35, 0.9)),
                    groups=float(rng.uniform(15, 150)),
                )
                units[uid] = u
                nxt.append(u)
        level = nxt
    return units


def _callsign(rng: np.random.Generator, used: set[str]) -> str:
    alphabet = string.ascii_uppercase + string.digits
    while True:
        cs = "".join(alphabet[int(k)] for k in rng.integers(0, len(alphabet), 3))
        if cs[0].isalpha() and cs not in used:
            used.add(cs)
            return cs


def _garble(rng: np.random.Generator, cs: str) -> str:
    alphabet = string.ascii_uppercase + string.digits
    i = int(rng.integers(0, len(cs)))
    c = alphabet[int(rng.integers(0, len(alphabet)))]
    return cs[:i] + c + cs[i + 1 :]


def generate(
    seed: int = 0,
    *,
    shape: tuple[int, ...] = (5, 4, 4, 3),
    days: int = 7,
    missed: float = 0.2,
    hear: float = 0.4,
    garble: float = 0.02,
    spurious: float = 0.01,
    outlier: float = 0.03,
    shared_frequency: float = 0.2,
    start: datetime | None = None,
) -> Traffic:
    """A week of logs. `shape` is the fan-out per echelon below the front ((5, 4, 4, 3) gives
    1 + 5 + 20 + 80 + 240 = 346 stations in 106 nets)."""
    rng = np.random.default_rng(seed)
    start = start or datetime(1920, 8, 1, tzinfo=UTC)
    units = _orbat(rng, shape)
    # Nets: one per headquarters, on a 25 kHz grid; some pairs share a frequency.
    heads = [u for u in units.values() if any(v.parent == u.local_id for v in units.values())]
    grid = rng.choice(np.arange(2000.0, 9000.0, 25.0), size=len(heads), replace=False)
    nets: dict[str, GenNet] = {}
    for k, h in enumerate(heads):
        period = int(rng.choice([2, 3, 4, 6]))
        nets[f"N{k + 1:03d}"] = GenNet(
            id=f"N{k + 1:03d}",
            control=h.local_id,
            outstations=[v.local_id for v in units.values() if v.parent == h.local_id],
            frequency_khz=float(grid[k]),
            period_h=period,
            offset_h=int(rng.integers(0, period)),
            offset_min=int(rng.integers(0, 30)),
        )
    # Pairs of nets with no station in common share a frequency (a station working two nets on one
    # frequency would make them one net on the air).
    ids = [str(x) for x in rng.permutation(list(nets))]
    free = set(ids)
    for k in ids:
        if k not in free or rng.random() >= shared_frequency:
            continue
        a = nets[k]
        mates = [
            j
            for j in ids
            if j in free
            and j != k
            and not ({a.control, *a.outstations} & {nets[j].control, *nets[j].outstations})
        ]
        if mates:
            b = nets[mates[0]]
            free -= {k, b.id}
            b.frequency_khz = a.frequency_khz
            # A shared frequency is only workable on different hours.
            b.period_h, b.offset_h = a.period_h, (a.offset_h + max(1, a.period_h // 2)) % a.period_h
            if b.period_h == 1 or b.offset_h == a.offset_h:
                b.period_h, a.period_h, a.offset_h, b.offset_h = 4, 4, 0, 2
    stations = [
        GenStation(f"ST{i + 1}", 49.0 + 0.8 * i, 22.5 + float(rng.uniform(-0.8, 0.8)),
                   float(rng.choice([1.0, 1.5, 2.0, 3.0])))
        for i in range(7)
    ]  # fmt: skip
    log: list[dict[str, Any]] = []
    row_tx: list[int | None] = []
    tx: list[tuple[str, str, str, int]] = []
    callsigns: dict[tuple[int, str], str] = {}
    outliers: set[int] = set()
    for day in range(days):
        used: set[str] = set()
        cs = {uid: _callsign(rng, used) for uid in units}
        for uid, c in cs.items():
            callsigns[(day, c)] = uid
        numbers = dict.fromkeys(units, 0)
        d0 = start + timedelta(days=day)
        for net in nets.values():
            for hour in range(net.offset_h, 24, net.period_h):
                w0 = d0 + timedelta(hours=hour, minutes=net.offset_min)
                events: list[tuple[float, str, str]] = []
                for o in net.outstations:
                    u = units[o]
                    if rng.random() < u.rate:
                        events.append((u.slot + float(rng.normal(0, 0.7)), o, net.control))
                    if rng.random() < 0.25:  # an order or acknowledgement from control
                        events.append((u.slot + 1.5 + float(rng.uniform(0, 1)), net.control, o))
                    if rng.random() < 0.01 and len(net.outstations) > 1:  # a lateral call
                        other = str(rng.choice([x for x in net.outstations if x != o]))
                        events.append((u.slot + 2.5, o, other))
                for minute, f, t in sorted(events):
                    numbers[f] += 1
                    k = len(tx)
                    tx.append((net.id, f, t, day))
                    at = w0 + timedelta(minutes=max(0.0, minute))
                    src = units[f]
                    g = max(5, int(rng.normal(src.groups, src.groups * 0.15)))
                    prec = PRECEDENCES[int(rng.choice(4, p=[0.8, 0.15, 0.04, 0.01]))]
                    if rng.random() < missed:
                        continue  # nobody heard it
                    hearers = [s for s in stations if rng.random() < hear]
                    if not hearers:
                        hearers = [stations[int(rng.integers(0, len(stations)))]]
                    for s in hearers:
                        true_az = azimuth(s.lat, s.lon, src.lat, src.lon)
                        az = true_az + float(rng.normal(0, s.sigma))
                        wild = rng.random() < outlier
                        if wild:
                            az += float(rng.choice([-1, 1]) * rng.uniform(15, 60))
                        cf, ct = cs[f], cs[t]
                        if rng.random() < garble:
                            cf = _garble(rng, cf)
                        if rng.random() < garble:
                            ct = _garble(rng, ct)
                        if wild:
                            outliers.add(len(log))
                        log.append(
                            {
                                "station": s.name,
                                "heard_at": (at + timedelta(seconds=float(rng.uniform(0, 20))))
                                .isoformat(timespec="seconds")
                                .replace("+00:00", "Z"),
                                "frequency_khz": round(
                                    net.frequency_khz + float(rng.normal(0, 0.5)), 1
                                ),
                                "call_from": cf,
                                "call_to": ct,
                                "msg_number": numbers[f],
                                "groups": g,
                                "precedence": prec,
                                "bearing": round(az % 360.0, 1),
                                "bearing_error": s.sigma,
                            }
                        )
                        row_tx.append(k)
        # A few spurious lines: a misheard station on a random frequency.
        n_spur = int(spurious * sum(1 for t in tx if t[3] == day))
        for _ in range(n_spur):
            s = stations[int(rng.integers(0, len(stations)))]
            at = d0 + timedelta(minutes=float(rng.uniform(0, 1439)))
            log.append(
                {
                    "station": s.name,
                    "heard_at": at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "frequency_khz": round(float(rng.uniform(2000, 9000)), 1),
                    "call_from": _callsign(rng, set(cs.values())),
                    "call_to": _callsign(rng, set(cs.values())),
                    "msg_number": int(rng.integers(1, 30)),
                    "groups": int(rng.integers(10, 100)),
                    "precedence": "ROUTINE",
                    "bearing": "",
                    "bearing_error": "",
                }
            )
            row_tx.append(None)
    order = sorted(range(len(log)), key=lambda i: (log[i]["heard_at"], log[i]["station"]))
    remap = {old: new for new, old in enumerate(order)}
    return Traffic(
        start=start,
        days=days,
        units=units,
        nets=nets,
        stations=stations,
        log=[log[i] for i in order],
        row_tx=[row_tx[i] for i in order],
        tx=tx,
        callsigns=callsigns,
        outliers={remap[i] for i in outliers},
    )


def unit_count(shape: tuple[int, ...]) -> int:
    n, level = 1, 1
    for k in shape:
        level *= k
        n += level
    return n


def write(t: Traffic, folder: Path) -> dict[str, Any]:
    """log.csv (the operators' log), stations.csv (our stations) and key.json (the truth)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "log.csv").write_text(t.csv_text(), "utf-8")
    lines = ["name,lat,lon,equipment,bearing_error"]
    lines += [f"{s.name},{s.lat:.5f},{s.lon:.5f},receiver=2;df=1,{s.sigma:g}" for s in t.stations]
    (folder / "stations.csv").write_text("\n".join(lines) + "\n", "utf-8")
    key = {
        "start": t.start.isoformat(),
        "days": t.days,
        "units": {
            u.local_id: {
                "designation": u.designation,
                "echelon": u.echelon,
                "parent": u.parent,
                "lat": round(u.lat, 5),
                "lon": round(u.lon, 5),
            }
            for u in t.units.values()
        },
        "nets": {
            n.id: {
                "control": n.control,
                "outstations": n.outstations,
                "frequency_khz": n.frequency_khz,
                "hours_utc": list(range(n.offset_h, 24, n.period_h)),
            }
            for n in t.nets.values()
        },
        "call_signs": {
            (t.start + timedelta(days=d)).date().isoformat(): {
                cs: u for (dd, cs), u in sorted(t.callsigns.items()) if dd == d
            }
            for d in range(t.days)
        },
    }
    (folder / "key.json").write_text(json.dumps(key, indent=1, ensure_ascii=False), "utf-8")
    return {
        "folder": str(folder),
        "lines": len(t.log),
        "units": len(t.units),
        "nets": len(t.nets),
        "stations": len(t.stations),
        "days": t.days,
    }
