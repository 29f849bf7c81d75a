"""Direction finding: bearings from two or more of our stations → a fix with its error ellipse.

The fix is the weighted least-squares position on the sphere: each bearing is the initial great-circle
azimuth from a station to the transmitter, weighted by its stated error (1/σ²). Gauss–Newton runs in
a local tangent plane (east/north km) re-centred on each estimate, so the model stays exact on the
sphere while the step is planar. The covariance (JᵀWJ)⁻¹ gives the error ellipse; at the true
position the same matrix is the Cramér–Rao bound, which the benchmark measures the fix against.

Outliers (a wild bearing from a reflection or a misread dial) are rejected one at a time: while the
normalised residuals fail a χ² test, the bearing without which the others agree best goes, as long
as at least three remain to judge by (three cannot say which of them is wrong: then the ellipse is
widened by how much they disagree). The stated errors are trusted as given — the covariance is not
rescaled by the residuals, which with few bearings would make the ellipse lie (only bearings that
still disagree after rejection widen it). Where the likelihood region is far from elliptic (two
bearings crossing at a narrow angle), the ellipse drawn encloses the region (likelihood_ellipse).
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
MAX_ITER = 50


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
    #: the 95 % region: centre and shape (km², east/north) with (x-c)ᵀ S⁻¹ (x-c) ≤ K95
    centre: tuple[float, float] | None = None
    region: np.ndarray | None = None
    inflated: float = 1.0

    def __post_init__(self) -> None:
        if self.centre is None:
            self.centre = (self.lat, self.lon)
        if self.region is None:
            self.region = self.cov

    def to_dict(self) -> dict[str, Any]:
        c = self.centre or (self.lat, self.lon)
        return {
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "ellipse_centre": [round(c[0], 5), round(c[1], 5)],
            "region_en_km2": [[round(float(v), 5) for v in row] for row in self.shape],
            "inflated": round(self.inflated, 3),
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

    @property
    def shape(self) -> np.ndarray:
        return self.region if self.region is not None else self.cov


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
    """The least-squares fix for two or more bearings; outliers are rejected while at least three
    bearings would remain, and the 95 % ellipse follows the likelihood region (see below)."""
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
    while reject and len(idx) >= 4:
        sub = [bearings[i] for i in idx]
        c = _chi2(sub, lat, lon)
        if float(c.sum()) <= chi2.ppf(REJECT_LEVEL, len(idx) - 2):
            break
        # Drop the bearing without which the others agree best (each subset solved from its own
        # crossings: the contaminated fix is a poor place to start from).
        best, best_c2, best_at = -1, math.inf, (lat, lon)
        for k in range(len(idx)):
            rest = sub[:k] + sub[k + 1 :]
            at = _solve(rest)
            c2 = float(_chi2(rest, *at).sum())
            if c2 < best_c2:
                best, best_c2, best_at = k, c2, at
        rejected.append(idx.pop(best))
        lat, lon = _solve([bearings[i] for i in idx], best_at)
    used = [bearings[i] for i in idx]
    try:
        cov = crb(used, lat, lon)
    except np.linalg.LinAlgError:
        raise ValidationError("the bearings are parallel: no fix") from None
    c2 = float(_chi2(used, lat, lon).sum())
    centre, region = likelihood_ellipse(used, lat, lon, cov)
    inflate = 1.0
    dof = len(used) - 2
    if dof > 0 and c2 > chi2.ppf(REJECT_LEVEL, dof):
        # The bearings disagree and none could be singled out: widen the region by how much.
        inflate = c2 / dof
        region = region * inflate
    a, b, az = ellipse(region)
    return Fix(
        lat=lat,
        lon=lon,
        cov=cov,
        used=idx,
        rejected=sorted(rejected),
        chi2=c2,
        n=len(bearings),
        semi_major_km=a,
        semi_minor_km=b,
        orientation_deg=az,
        stations=[x.station for x in used],
        centre=centre,
        region=region,
        inflated=inflate,
    )


RAYS = 64
#: how far (as a fraction of K95) the traced region may stray from the linearised ellipse
LINEAR_TOLERANCE = 0.3
MAX_RANGE_KM = 4000.0


def _chi2_at(bs: list[Bearing], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """χ² of the bearings at many points at once (len(lat) values)."""
    la = np.radians([b.lat for b in bs])[None, :]
    lo = np.radians([b.lon for b in bs])[None, :]
    p2 = np.radians(lat)[:, None]
    dl = np.radians(lon)[:, None] - lo
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(la) * np.sin(p2) - np.sin(la) * np.cos(p2) * np.cos(dl)
    model = np.degrees(np.arctan2(y, x)) % 360.0
    r = _wrap(np.array([b.azimuth for b in bs])[None, :] - model)
    return np.asarray(((r / np.array([b.sigma for b in bs])[None, :]) ** 2).sum(axis=1))


def _along(lat: float, lon: float, az: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = km / EARTH_RADIUS_KM
    p1, l1, a = math.radians(lat), math.radians(lon), np.radians(az)
    p2 = np.arcsin(math.sin(p1) * np.cos(d) + math.cos(p1) * np.sin(d) * np.cos(a))
    l2 = l1 + np.arctan2(
        np.sin(a) * np.sin(d) * math.cos(p1), np.cos(d) - math.sin(p1) * np.sin(p2)
    )
    return np.degrees(p2), (np.degrees(l2) + 540.0) % 360.0 - 180.0


def likelihood_ellipse(
    bs: list[Bearing], lat: float, lon: float, cov: np.ndarray
) -> tuple[tuple[float, float], np.ndarray]:
    """The 95 % ellipse from the likelihood region {x: χ²(x) − χ²min ≤ K95}.

    With good geometry the region is the linearised ellipse and this changes nothing; with two
    bearings crossing at a narrow angle far away it is a banana stretched along the range, and the
    linearised ellipse would hold the truth far less often than it claims. The region is traced
    along RAYS directions from the fix (bisection on each); where it strays from the linearised
    ellipse by more than LINEAR_TOLERANCE, the ellipse drawn is the one enclosing it."""
    base = float(_chi2_at(bs, np.array([lat]), np.array([lon]))[0])
    # Rays evenly spaced in the whitened plane, so a long thin region is sampled along its length.
    t = np.linspace(0.0, 2 * math.pi, RAYS, endpoint=False)
    w = np.linalg.cholesky(cov) @ np.stack([np.cos(t), np.sin(t)])
    u = (w / np.linalg.norm(w, axis=0)).T  # east, north unit vectors
    theta = np.degrees(np.arctan2(u[:, 0], u[:, 1])) % 360.0
    inv = np.linalg.inv(cov)
    r0 = np.sqrt(K95 / np.einsum("ij,jk,ik->i", u, inv, u))
    lo_r = np.zeros(RAYS)
    hi_r = np.minimum(r0, MAX_RANGE_KM)
    for _ in range(20):  # grow until outside the region (or at the cap)
        la, lo = _along(lat, lon, theta, hi_r)
        out = _chi2_at(bs, la, lo) - base > K95
        if out.all():
            break
        lo_r = np.where(out, lo_r, hi_r)
        hi_r = np.where(out, hi_r, np.minimum(hi_r * 1.6, MAX_RANGE_KM))
    for _ in range(30):
        mid = (lo_r + hi_r) / 2
        la, lo = _along(lat, lon, theta, mid)
        out = _chi2_at(bs, la, lo) - base > K95
        hi_r = np.where(out, mid, hi_r)
        lo_r = np.where(out, lo_r, mid)
    la, lo = _along(lat, lon, theta, hi_r)
    pts = np.array([_xy(lat, lon, float(a), float(b)) for a, b in zip(la, lo, strict=True)])
    m = np.einsum("ij,jk,ik->i", pts, inv, pts) / K95
    if float(np.max(np.abs(m - 1.0))) <= LINEAR_TOLERANCE:
        return (lat, lon), cov  # the linearised ellipse is the region
    c, shape = _enclosing(pts)
    centre = _offset(lat, lon, float(c[0]), float(c[1]))
    return centre, shape / K95


def _enclosing(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An ellipse enclosing boundary points: their mean and second moment give its centre and
    shape (exact when the points trace an ellipse at even parameter steps), then it is scaled until
    every point is inside. Centre c, matrix S: the ellipse is (x−c)ᵀ S⁻¹ (x−c) ≤ 1."""
    c = p.mean(axis=0)
    s = np.cov((p - c).T, bias=True) * 2.0
    inv = np.linalg.inv(s)
    k = float(np.max(np.einsum("ij,jk,ik->i", p - c, inv, p - c)))
    return c, s * max(k, 1e-12)


def naive_fix(b1: Bearing, b2: Bearing) -> tuple[float, float] | None:
    """The anchor: where two bearings cross, unweighted, nothing rejected."""
    return intersect(b1, b2)


def error_en(lat: float, lon: float, true_lat: float, true_lon: float) -> np.ndarray:
    """Offset of an estimate from the truth, east/north km (tangent plane at the truth)."""
    return np.array(_xy(true_lat, true_lon, lat, lon))


def inside(f: Fix, true_lat: float, true_lon: float, k: float = K95) -> bool:
    """Is the true position inside the fix's 95 % ellipse?"""
    c = f.centre or (f.lat, f.lon)
    e = error_en(c[0], c[1], true_lat, true_lon)
    return float(e @ np.linalg.solve(f.shape, e)) <= k


def ellipse_polygon(f: Fix, points: int = 48) -> list[tuple[float, float]]:
    """The 95 % ellipse as a closed ring of (lon, lat), for GeoJSON and the map."""
    vals, vecs = np.linalg.eigh(f.shape)
    c = f.centre or (f.lat, f.lon)
    out = []
    for t in np.linspace(0, 2 * math.pi, points, endpoint=False):
        u = np.array([math.cos(t), math.sin(t)]) * np.sqrt(np.maximum(vals, 0) * K95)
        e, n = vecs @ u
        la, lo = _offset(c[0], c[1], float(e), float(n))
        out.append((round(lo, 5), round(la, 5)))
    out.append(out[0])
    return out
