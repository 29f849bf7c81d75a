"""Draw docs/img/traffic-nets.svg (the net diagram of a small generated week, call signs of day one
identified) and docs/img/traffic-df.png (bearings, fix and 95 % ellipse: a good crossing and a
narrow one). Run: PYTHONPATH=src python tools/make_traffic_figures.py"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from liaison.core.clock import parse_time  # noqa: E402
from liaison.traffic import df, diagram  # noqa: E402
from liaison.traffic.analysis import Heard, analyse  # noqa: E402
from liaison.traffic.generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "img"


def nets() -> None:
    t = generate(3, shape=(3, 3), days=3)
    rows = [
        Heard(i, r["station"], parse_time(r["heard_at"]), float(r["frequency_khz"]),
              r["call_from"], r["call_to"], int(r["msg_number"]), int(r["groups"]))
        for i, r in enumerate(t.log)
    ]  # fmt: skip
    a = analyse(rows)
    rep = a.to_dict()
    d0 = t.start.date()
    for e in rep["entities"]:
        cs = e["call_signs"].get(d0.isoformat())
        e["unit"] = t.callsigns.get((0, cs)) if cs else None
    (OUT / "traffic-nets.svg").write_text(
        diagram.svg(rep, title="Generated week: 13 stations, 4 nets, call signs of day one named"),
        "utf-8",
    )


def dfig() -> None:
    rng = np.random.default_rng(4)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
    cases = [
        (
            [(50.0, 20.0, 1.5), (51.2, 21.0, 2.0), (49.2, 22.5, 1.0), (52.3, 20.4, 2.0)],
            (51.4, 24.2),
        ),
        ([(50.0, 21.0, 2.0), (50.4, 21.1, 2.0)], (50.5, 26.5)),
    ]
    for ax, (stations, target) in zip(axes, cases, strict=True):
        bs = [
            df.Bearing(
                la, lo, (df.azimuth(la, lo, *target) + rng.normal(0, s)) % 360, s, f"S{i + 1}"
            )
            for i, (la, lo, s) in enumerate(stations)
        ]
        f = df.fix(bs)
        for b in bs:
            end = df.destination(b.lat, b.lon, b.azimuth, 700)
            ax.plot([b.lon, end[1]], [b.lat, end[0]], color="#888", lw=0.8)
            ax.plot(b.lon, b.lat, "s", color="#225")
            ax.annotate(f"{b.station} ±{b.sigma:g}°", (b.lon, b.lat), fontsize=8, xytext=(3, -10),
                        textcoords="offset points")  # fmt: skip
        ring = np.array(df.ellipse_polygon(f, 96))
        ax.fill(ring[:, 0], ring[:, 1], color="#ff9933", alpha=0.25, label="95 % ellipse")
        ax.plot(f.lon, f.lat, "x", color="#b35900", ms=9, label="fix")
        ax.plot(target[1], target[0], "*", color="#080", ms=11, label="transmitter")
        ax.set_title(
            f"{len(bs)} bearings: {f.semi_major_km:.0f} × {f.semi_minor_km:.0f} km", fontsize=10
        )
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        ax.set_aspect(1 / np.cos(np.radians(51)))
        lo = min(ring[:, 0].min(), min(b.lon for b in bs)) - 0.5
        hi = max(ring[:, 0].max(), target[1]) + 0.8
        ax.set_xlim(lo, hi)
        ax.set_ylim(min(ring[:, 1].min(), 48.8) - 0.3, max(ring[:, 1].max(), 52.6) + 0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(OUT / "traffic-df.png", dpi=110)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    nets()
    dfig()
