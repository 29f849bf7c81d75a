"""Direction finding: bearings from two or more of our stations → a fix with its error ellipse.

The fix is the weighted least-squares position on the sphere: each bearing is the initial great-circle
azimuth from a station to the transmitter, weighted by its stated error (1/σ²). Gauss–Newton runs in
a local tangent plane (east/north km) re-centred on each estimate, so the model stays exact on the
sphere while the step is planar. The covariance (JᵀWJ)⁻¹ gives the error ellipse; at the true
position the same matrix is the Cramér–Rao bound, which the benchmark measures the fix against.

Outliers (a wild bearing from a reflection or a misread dial) are rejected one at a time: while the
normalised residuals fail a χ² test, the bearing whose leave-one-out residual is worst goes, as long
as at least three remain to judge by. The stated errors are trusted as given — the covariance is not
rescaled by the residuals, which with few bearings would make the ellipse lie.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import chi2

from liaison.core.errors import ValidationError
from liaison.core.geo import EARTH_RADIUS_KM, check_lat_lon

#: χ²(2) quantile: the ellipse that holds the true position with this probability.
CONFIDENCE = 0.95
K95 = float(chi2.ppf(CONFIDENCE, 2))
#: χ² test level for "these bearings do not agree": strict, so good bearings are rarely dropped.
REJECT_LEVEL = 0.999
MAX_ITER = 30


@dataclass(frozen=True)
class Bearing:
    """One line of bearing: station position, azimuth (degrees from true north), stated error (1σ)."""

    lat: float
    lon: float
    azimuth: float
    sigma: float
    station: str = ""

    def check(self) -> None:
        check_lat_lon(self.lat, self.lon)
        if not (math.isfinite(self.azimuth) and 0.0 <= self.azimuth <= 360.0):
            raise ValueError(f"bearing {self.azimuth} is outside 0..360")
        if not (math.isfinite(self.sigma) and 0.0 < self.sigma <= 45.0):
            raise ValueError(f"bearing error {self.sigma} must be in (0, 45] degrees")


@dataclass
class Fix:
    lat: float
    lon: float
    cov: np.ndarray  # 2×2, east/north, km²
    used: list[int]
    rejected: list[int]
    chi2: float
    n: int
    semi_major_km: float = 0.0
    semi_minor_km: float = 0.0
    orientation_deg: float = 0.0  # azimuth of the major axis
    stations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "semi_major_km": round(self.semi_major_km, 3),
            "semi_minor_km": round(self.semi_minor_km, 3),
            "orientation_deg": round(self.orientation_deg, 1),
            "confidence": CONFIDENCE,
            "bearings": self.n,
            "used": self.used,
            "rejected": self.rejected,
            "chi2": round(self.chi2, 3),
            "cov_en_km2": [[round(float(v), 5) for v in row] for row in self.cov],
            "stations": self.stations,
        }


def azimuth(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle azimuth from point 1 to point 2, degrees 0..360."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def _azimuths(lat: np.ndarray, lon: np.ndarray, lat2: float, lon2: float) -> np.ndarray:
    p1, p2 = np.radians(lat), math.radians(lat2)
    dl = math.radians(lon2) - np.radians(lon)
    y = np.sin(dl) * math.cos(p2)
    x = np.cos(p1) * math.sin(p2) - np.sin(p1) * math.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(y, x)) % 360.0


def destination(lat: float, lon: float, az: float, km: float) -> tuple[float, float]:
    """The point `km` along the great circle leaving (lat, lon) at azimuth `az`."""
    d = km / EARTH_RADIUS_KM
    p1, l1, a = math.radians(lat), math.radians(lon), math.radians(az)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(a))
    l2 = l1 + math.atan2(
        math.sin(a) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540.0) % 360.0 - 180.0


def _wrap(d: np.ndarray) -> np.ndarray:
    return (d + 180.0) % 360.0 - 180.0


def _offset(lat0: float, lon0: float, e: float, n: float) -> tuple[float, float]:
    """Tangent-plane offset (km east, km north) → lat/lon (adequate for the small GN steps)."""
    lat = lat0 + math.degrees(n / EARTH_RADIUS_KM)
    lon = lon0 + math.degrees(e / (EARTH_RADIUS_KM * math.cos(math.radians(lat0))))
    return lat, lon


def jacobian(bs: list[Bearing], lat: float, lon: float) -> np.ndarray:
    """d(azimuth, radians)/d(east, north km) at (lat, lon), central differences on the sphere."""
    la = np.array([b.lat for b in bs])
    lo = np.array([b.lon for b in bs])
    h = 0.01
    cols = []
    for de, dn in ((h, 0.0), (0.0, h)):
        p = _offset(lat, lon, de, dn)
        m = _offset(lat, lon, -de, -dn)
        diff = _wrap(_azimuths(la, lo, *p) - _azimuths(la, lo, *m))
        cols.append(np.radians(diff) / (2 * h))
    return np.stack(cols, axis=1)


def crb(bs: list[Bearing], lat: float, lon: float) -> np.ndarray:
    """Cramér–Rao bound (east/north km²) for a transmitter at (lat, lon) seen by these bearings."""
    j = jacobian(bs, lat, lon)
    w = np.diag(1.0 / np.radians([b.sigma for b in bs]) ** 2)
    return np.asarray(np.linalg.inv(j.T @ w @ j))


def _xy(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    k = math.cos(math.radians(lat0))
    return (
        math.radians(lon - lon0) * EARTH_RADIUS_KM * k,
        math.radians(lat - lat0) * EARTH_RADIUS_KM,
    )


def intersect(b1: Bearing, b2: Bearing) -> tuple[float, float] | None:
    """Where two bearings cross (local plane), or None when they are parallel or cross behind."""
    lat0, lon0 = (b1.lat + b2.lat) / 2, (b1.lon + b2.lon) / 2
    x1, y1 = _xy(lat0, lon0, b1.lat, b1.lon)
    x2, y2 = _xy(lat0, lon0, b2.lat, b2.lon)
    a1, a2 = math.radians(b1.azimuth), math.radians(b2.azimuth)
    d1 = (math.sin(a1), math.cos(a1))
    d2 = (math.sin(a2), math.cos(a2))
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-6:
        return None
    t1 = ((x2 - x1) * d2[1] - (y2 - y1) * d2[0]) / den
    t2 = ((x2 - x1) * d1[1] - (y2 - y1) * d1[0]) / den
    if t1 <= 0 or t2 <= 0:
        return None
    return _offset(lat0, lon0, x1 + t1 * d1[0], y1 + t1 * d1[1])


def _start(bs: list[Bearing]) -> tuple[float, float]:
    pts = [
        p
        for i in range(len(bs))
        for j in range(i + 1, len(bs))
        if (p := intersect(bs[i], bs[j])) is not None
    ]
    if pts:
        return float(np.median([p[0] for p in pts])), float(np.median([p[1] for p in pts]))
    return destination(bs[0].lat, bs[0].lon, bs[0].azimuth, 100.0)


def _solve(bs: list[Bearing], start: tuple[float, float] | None = None) -> tuple[float, float]:
    lat, lon = start or _start(bs)
    sig = np.radians([b.sigma for b in bs])
    obs = np.array([b.azimuth for b in bs])
    la = np.array([b.lat for b in bs])
    lo = np.array([b.lon for b in bs])
    for _ in range(MAX_ITER):
        r = np.radians(_wrap(obs - _azimuths(la, lo, lat, lon))) / sig
        j = jacobian(bs, lat, lon) / sig[:, None]
        step, *_ = np.linalg.lstsq(j, r, rcond=None)
        # Damp big steps: far from the answer the tangent plane is a poor map.
        norm = float(np.hypot(*step))
        if norm > 200.0:
            step = step * (200.0 / norm)
        lat, lon = _offset(lat, lon, float(step[0]), float(step[1]))
        lat = max(-89.9, min(89.9, lat))
        lon = (lon + 540.0) % 360.0 - 180.0
        if norm < 1e-4:
            break
    return lat, lon


def _chi2(bs: list[Bearing], lat: float, lon: float) -> np.ndarray:
    la = np.array([b.lat for b in bs])
    lo = np.array([b.lon for b in bs])
    r = _wrap(np.array([b.azimuth for b in bs]) - _azimuths(la, lo, lat, lon))
    return np.asarray((r / np.array([b.sigma for b in bs])) ** 2)


def ellipse(cov: np.ndarray, k: float = K95) -> tuple[float, float, float]:
    """(semi-major km, semi-minor km, azimuth of the major axis) of the k-σ² ellipse."""
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    major = vecs[:, 0]
    az = math.degrees(math.atan2(major[0], major[1])) % 180.0
    return (
        math.sqrt(max(vals[0], 0.0) * k),
        math.sqrt(max(vals[1], 0.0) * k),
        az,
    )


def fix(bearings: list[Bearing], *, reject: bool = True) -> Fix:
    """The least-squares fix for two or more bearings, rejecting outliers when three or more remain."""
    if len(bearings) < 2:
        raise ValidationError("a fix needs bearings from at least two stations")
    for i, b in enumerate(bearings):
        try:
            b.check()
        except ValueError as exc:
            raise ValidationError(f"bearing {i + 1}: {exc}") from None
    idx = list(range(len(bearings)))
    rejected: list[int] = []
    lat, lon = _solve(bearings)
    while reject and len(idx) >= 3:
        sub = [bearings[i] for i in idx]
        c = _chi2(sub, lat, lon)
        if float(c.sum()) <= chi2.ppf(REJECT_LEVEL, len(idx) - 2):
            break
        worst, worst_r = -1, -1.0
        for k in range(len(idx)):
            rest = sub[:k] + sub[k + 1 :]
            la, lo = _solve(rest, (lat, lon))
            r = float(_chi2([sub[k]], la, lo)[0])
            if r > worst_r:
                worst, worst_r = k, r
        if len(idx) == 3 and worst_r < 25.0:
            break  # three bearings that disagree mildly: no way to tell which is wrong
        rejected.append(idx.pop(worst))
        lat, lon = _solve([bearings[i] for i in idx], (lat, lon))
    used = [bearings[i] for i in idx]
    try:
        cov = crb(used, lat, lon)
    except np.linalg.LinAlgError:
        raise ValidationError("the bearings are parallel: no fix") from None
    a, b, az = ellipse(cov)
    f = Fix(
        lat=lat,
        lon=lon,
        cov=cov,
        used=idx,
        rejected=sorted(rejected),
        chi2=float(_chi2(used, lat, lon).sum()),
        n=len(bearings),
        semi_major_km=a,
        semi_minor_km=b,
        orientation_deg=az,
        stations=[x.station for x in used],
    )
    return f


def naive_fix(b1: Bearing, b2: Bearing) -> tuple[float, float] | None:
    """The anchor: where two bearings cross, unweighted, nothing rejected."""
    return intersect(b1, b2)


def error_en(lat: float, lon: float, true_lat: float, true_lon: float) -> np.ndarray:
    """Offset of an estimate from the truth, east/north km (tangent plane at the truth)."""
    return np.array(_xy(true_lat, true_lon, lat, lon))


def inside(f: Fix, true_lat: float, true_lon: float, k: float = K95) -> bool:
    """Is the true position inside the fix's ellipse (Mahalanobis distance² ≤ k)?"""
    e = error_en(f.lat, f.lon, true_lat, true_lon)
    return float(e @ np.linalg.solve(f.cov, e)) <= k


def ellipse_polygon(f: Fix, points: int = 48) -> list[tuple[float, float]]:
    """The 95 % ellipse as a closed ring of (lon, lat), for GeoJSON and the map."""
    vals, vecs = np.linalg.eigh(f.cov)
    out = []
    for t in np.linspace(0, 2 * math.pi, points, endpoint=False):
        u = np.array([math.cos(t), math.sin(t)]) * np.sqrt(np.maximum(vals, 0) * K95)
        e, n = vecs @ u
        la, lo = _offset(f.lat, f.lon, float(e), float(n))
        out.append((round(lo, 5), round(la, 5)))
    out.append(out[0])
    return out
