"""Compile: unit mentions → candidate observations, matched to the partner's picture, deduplicated,
corroborated across independent sources and graded (Admiralty reliability and credibility).

1. **Reports, not documents.** Documents are clustered (dedupe.clusters): a repost or a
   translation joins the cluster of the report it copies, and the earliest stands for it.
2. **Units.** Each mention's unit identity (echelon, number, branch, guards; a military unit
   number; or a name) is matched to the picture with the reconciliation scorer
   (reconcile.match.reconcile, the same log-likelihood weights and conflict rule a liaison meeting
   uses). The scorer assigns one to one, so what a round leaves unmatched is tried again against
   the whole picture: several spellings of one unit all find it. A unit that fits two of the
   picture's equally is *ambiguous* and left for the analyst; one that fits none is proposed new.
3. **Candidates.** A unit's mentions at one place (within the echelon's tolerance) within
   WINDOW_DAYS of each other are one candidate observation.
4. **Grading.** Reliability comes from the sources (the best of the reports' sources; F when a
   document has none). Credibility 1–6 from corroboration — the number of independent sources:
   reports by distinct sources; unsourced documents count together as one — and from
   contradiction with the picture (the unit placed elsewhere within CONTRADICT_DAYS) or with
   another candidate (placed elsewhere at the same time):

   | credibility | when |
   |---|---|
   | 1 confirmed | ≥ 2 independent sources, nothing contradicts |
   | 2 probably true | one source, agrees with the picture's position |
   | 3 possibly true | one source on a known unit; or ≥ 2 sources but contradicted |
   | 4 doubtful | one source on a unit the picture does not hold |
   | 5 improbable | one source, contradicted |
   | 6 cannot be judged | no date from the text or the publication (retrieval date used) |

Candidates an analyst has decided (or edited) are never touched again; the rest are refreshed on
every compile, keeping their id while their key (unit, place, first date) stays, and their
revision is bumped when anything shown changes, so a decision taken on an old view is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.core.clock import utcnow
from liaison.core.geo import haversine_km
from liaison.core.ids import new_id
from liaison.names import Designation, format_designation, parse_designation
from liaison.orbat.model import Picture, UnitView
from liaison.orbat.partners import get_partner
from liaison.orbat.picture import get_picture
from liaison.osint import dedupe
from liaison.reconcile.match import TOLERANCE_KM, reconcile
from liaison.store import audit
from liaison.store.schema.orbat import source
from liaison.store.schema.osint import (
    osint_candidate,
    osint_candidate_mention,
    osint_document,
    osint_mention,
)

WINDOW_DAYS = 7  # mentions of a unit at one place this close in time are one observation
CONTRADICT_DAYS = 30  # the picture's position this recent contradicts a report elsewhere
MATCH_ROUNDS = 4
_SYNTH = "\x00osint:"  # designation prefix of the synthetic units matched against the picture
_SPACE = re.compile(r"\s+")
SHOWN = (  # candidate fields whose change bumps the revision (what the analyst decides on)
    "unit_local_id",
    "designation",
    "echelon",
    "branch",
    "place",
    "lat",
    "lon",
    "valid_at",
    "reliability",
    "credibility",
    "corroboration",
)


@dataclass
class M:
    """A mention as compile sees it."""

    id: str
    document: str
    designation: str | None
    number: int | None
    echelon: str | None
    branch: str | None
    guards: bool
    unit_number: str | None
    unit_ids: tuple[str, ...]
    place: str | None
    lat: float | None
    lon: float | None
    place_precision: int | None
    day: date
    date_precision: int
    dated_by: str  # text | published | retrieved


@dataclass
class D:
    """A document as compile sees it."""

    id: str
    source: str | None
    published: datetime | None
    retrieved: datetime
    language: str | None
    chars: int
    fp: dict[str, Any]
    ingested_at: datetime


@dataclass
class Group:
    """Mentions that become one candidate."""

    unit: tuple[str, str]  # ("picture", local id) or ("new", identity key)
    mentions: list[M] = field(default_factory=list)
    place: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Summary:
    documents: int = 0
    mentions: int = 0
    duplicates: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    ambiguous: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


# ---------------------------------------------------------------- identities


def identity(m: M) -> tuple[Any, ...] | None:
    """What names a unit independently of how it was written; None for nothing usable."""
    if m.number is not None and m.echelon:
        return ("n", m.echelon, m.number, m.branch, m.guards)
    if len(m.unit_ids) == 1:  # a name the picture's dictionary holds ("Кантемировская дивизия")
        return ("p", m.unit_ids[0])
    if m.unit_number:
        return ("u", m.unit_number.strip().upper())
    if m.designation and m.echelon:
        return ("d", m.echelon, _SPACE.sub(" ", m.designation.strip().lower()))
    return None


def _merge_branchless(keys: set[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """A numbered unit written without its arm ("54-й дивизии") is the one with an arm when the
    documents name exactly one such (the 54th Rifle Division)."""
    out = {k: k for k in keys}
    with_branch: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for k in keys:
        if k[0] == "n" and k[3] is not None:
            with_branch[(k[1], k[2])].append(k)
    for k in keys:
        if k[0] == "n" and k[3] is None:
            options = with_branch.get((k[1], k[2]), [])
            if len({o[3] for o in options}) == 1:
                same_guards = [o for o in options if o[4] == k[4]]
                out[k] = (same_guards or options)[0]
    return out


def key_text(k: tuple[Any, ...]) -> str:
    return json.dumps(list(k), ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=100_000)
def _parse(text: str) -> Designation:
    return parse_designation(text)


def _designation_for(k: tuple[Any, ...]) -> Designation:
    if k[0] == "n":
        return Designation(
            raw=key_text(k),
            number=k[2],
            echelon=k[1],
            branch=k[3],
            honorifics=frozenset({"guards"} if k[4] else ()),
        )
    if k[0] == "d":
        d = _parse(k[2])
        return Designation(raw=key_text(k), echelon=k[1], branch=d.branch, name=d.name or k[2])
    return Designation(raw=key_text(k))


def match_units(
    picture: Picture, keys: set[tuple[Any, ...]]
) -> tuple[dict[tuple[Any, ...], tuple[str, float]], dict[tuple[Any, ...], list[str]]]:
    """Identity key → (picture unit, probability); and key → rival units for ambiguous ones."""
    synth: dict[str, tuple[Any, ...]] = {}
    by_text: dict[str, Designation] = {}
    matched: dict[tuple[Any, ...], tuple[str, float]] = {}
    ambiguous: dict[tuple[Any, ...], list[str]] = {}
    for k in keys:
        if k[0] == "p":  # named in the picture's own dictionary: that unit, if it is still there
            if k[1] in picture.units:
                matched[k] = (k[1], 1.0)
            continue
        if k[0] == "u":
            continue
        text = _SYNTH + key_text(k)
        synth[text] = k
        by_text[text] = _designation_for(k)

    def parse(text: str) -> Designation:
        return by_text.get(text) or _parse(text)

    remaining = set(synth)
    for _ in range(MATCH_ROUNDS):
        if not remaining or not picture.units:
            break
        theirs = Picture(
            partner="~osint",
            units={
                t: UnitView(
                    partner="~osint",
                    unit_id=t,
                    designation=t,
                    echelon=by_text[t].echelon,
                    branch=by_text[t].branch,
                )
                for t in remaining
            },
        )
        res = reconcile(picture, theirs, parse=parse)
        progress = False
        for m in res.matches:
            matched[synth[m.theirs]] = (m.ours, m.score)
            remaining.discard(m.theirs)
            progress = True
        for d in res.discrepancies:
            if d.kind == "conflict" and d.theirs in remaining:
                ambiguous[synth[d.theirs]] = list(d.detail.get("candidates", []))
                remaining.discard(d.theirs)
        if not progress:
            break
    # military unit numbers: a picture unit whose designation or notes carry the number
    for k in keys:
        if k[0] != "u":
            continue
        token = re.compile(r"(?<!\d)" + re.escape(k[1]) + r"(?!\d)", re.I)
        hits = [
            u.unit_id
            for u in picture.units.values()
            if token.search(u.designation or "") or token.search(u.notes or "")
        ]
        if len(hits) == 1:
            matched[k] = (hits[0], 1.0)
        elif len(hits) > 1:
            ambiguous[k] = sorted(hits)
    return matched, ambiguous


# ---------------------------------------------------------------- loading


def _day(text: str | None) -> tuple[date, int] | None:
    """A mention's date 'YYYY[-MM[-DD]]' → (first day, ACLED-style precision 1 day / 3 month)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text), 1
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1), 3
        if len(text) == 4:
            return date(int(text), 1, 1), 3
    except ValueError:
        return None
    return None


def _load(conn: Connection, partner: str) -> tuple[dict[str, D], list[M], set[str]]:
    docs: dict[str, D] = {}
    q = sa.select(
        osint_document.c.id,
        osint_document.c.source_id,
        osint_document.c.published,
        osint_document.c.retrieved,
        osint_document.c.language,
        sa.func.length(osint_document.c.text).label("chars"),
        osint_document.c.minhash,
        osint_document.c.ingested_at,
    ).where(osint_document.c.partner_code == partner)
    for r in conn.execute(q):
        docs[r.id] = D(
            r.id,
            r.source_id,
            r.published,
            r.retrieved,
            r.language,
            int(r.chars or 0),
            r.minhash or {},
            r.ingested_at,
        )
    bound = {
        r.mention_id
        for r in conn.execute(
            sa.select(osint_candidate_mention.c.mention_id)
            .select_from(
                osint_candidate_mention.join(
                    osint_candidate, osint_candidate.c.id == osint_candidate_mention.c.candidate_id
                )
            )
            .where(
                osint_candidate.c.partner_code == partner,
                sa.or_(osint_candidate.c.status != "pending", osint_candidate.c.edited),
            )
        )
    }
    mentions: list[M] = []
    q2 = (
        sa.select(osint_mention)
        .select_from(
            osint_mention.join(osint_document, osint_document.c.id == osint_mention.c.document_id)
        )
        .where(osint_document.c.partner_code == partner)
        .order_by(osint_mention.c.document_id, osint_mention.c.start_char)
    )
    for r in conn.execute(q2):
        d = docs[r.document_id]
        dated = _day(r.date)
        how = "text"
        if dated is None and d.published is not None:
            dated, how = (d.published.date(), 1), "published"
        if dated is None:
            dated, how = (d.retrieved.date(), 1), "retrieved"
        day, prec = dated
        mentions.append(
            M(
                r.id,
                r.document_id,
                r.designation,
                r.number,
                r.echelon,
                r.branch,
                bool(r.guards),
                r.unit_number,
                tuple(r.unit_ids or ()),
                r.place_name or r.place_text,
                r.lat,
                r.lon,
                r.place_precision,
                day,
                r.date_precision or prec,
                how,
            )
        )
    return docs, mentions, bound


def _dedupe(conn: Connection, docs: dict[str, D], mentions: list[M]) -> dict[str, str]:
    facts: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for m in mentions:
        facts[m.document].add((m.number, m.echelon, m.place, m.day.isoformat()))
    items = [
        dedupe.Doc(
            d.id,
            (d.published or d.ingested_at, d.ingested_at, d.id),
            d.language,
            d.chars,
            list(d.fp.get("sig") or []),
            list(d.fp.get("numbers") or []),
            frozenset(facts.get(d.id, ())),
        )
        for d in docs.values()
    ]
    head = dedupe.clusters(items)
    current = (
        {
            r.id: r.duplicate_of
            for r in conn.execute(
                sa.select(osint_document.c.id, osint_document.c.duplicate_of).where(
                    osint_document.c.id.in_(list(docs))
                )
            )
        }
        if docs
        else {}
    )
    for did, h in head.items():
        want = None if h == did else h
        if current.get(did) != want:
            conn.execute(
                osint_document.update().where(osint_document.c.id == did).values(duplicate_of=want)
            )
    return head


# ---------------------------------------------------------------- grouping and grading


def _tolerance(echelon: str | None) -> float:
    return TOLERANCE_KM.get(echelon or "division", 30.0)


def _groups(unit: tuple[str, str], ms: list[M], echelon: str | None) -> list[Group]:
    tol = _tolerance(echelon)
    places: list[Group] = []
    unplaced = Group(unit)
    for m in sorted(ms, key=lambda x: (x.day, x.id)):
        if m.lat is None or m.lon is None:
            unplaced.mentions.append(m)
            continue
        for g in places:
            if haversine_km(g.lat, g.lon, m.lat, m.lon) <= tol:  # type: ignore[arg-type]
                g.mentions.append(m)
                break
        else:
            places.append(Group(unit, [m], m.place, m.lat, m.lon))
    out = []
    for g in [*places, unplaced]:
        if not g.mentions:
            continue
        run = Group(unit, [], g.place, g.lat, g.lon)
        for m in g.mentions:  # already in date order
            if run.mentions and (m.day - run.mentions[-1].day).days > WINDOW_DAYS:
                out.append(run)
                run = Group(unit, [], g.place, g.lat, g.lon)
            run.mentions.append(m)
        out.append(run)
    for g in out:  # the place named most often stands for the group
        named = [m for m in g.mentions if m.lat is not None]
        if named:
            best = Counter(m.place for m in named).most_common(1)[0][0]
            first = next(m for m in named if m.place == best)
            g.place, g.lat, g.lon = best, first.lat, first.lon
    return out


@dataclass
class Built:
    key: str
    group: Group
    values: dict[str, Any]


def _grade(
    g: Group,
    docs: dict[str, D],
    head: dict[str, str],
    sources: dict[str, tuple[str, str]],
    unit: UnitView | None,
    echelon: str | None,
) -> tuple[dict[str, Any], str, int, int]:
    """(grading detail, reliability, credibility, corroboration) before candidate contradictions."""
    reports = {head.get(m.document, m.document) for m in g.mentions}
    by_source: dict[str, set[str]] = defaultdict(set)
    for r in reports:
        by_source[docs[r].source or "unsourced"].add(r)
    corroboration = len(by_source)
    rel = sorted(sources[s][1] if s in sources else "F" for s in by_source)
    reliability = rel[0] if rel else "F"
    detail: dict[str, Any] = {
        "mentions": len(g.mentions),
        "documents": len({m.document for m in g.mentions}),
        "reports": len(reports),
        "sources": [
            {
                "codename": sources[s][0] if s in sources else None,
                "reliability": sources[s][1] if s in sources else "F",
                "reports": len(rs),
            }
            for s, rs in sorted(by_source.items())
        ],
        "contradictions": [],
        "reasons": [],
    }
    if len(g.mentions) > len(reports):
        detail["reasons"].append(
            f"{len({m.document for m in g.mentions}) - len(reports)} document(s) repeat or translate "
            "another report and count once"
        )
    picture = "new" if unit is None else "unknown"
    last = max(m.day for m in g.mentions)
    if unit is not None and unit.has_position and g.lat is not None:
        km = haversine_km(unit.lat, unit.lon, g.lat, g.lon)  # type: ignore[arg-type]
        detail["distance_km"] = round(km, 1)
        when = unit.observed_at.date() if unit.observed_at else None
        days = abs((last - when).days) if when else None
        if km <= _tolerance(echelon):
            picture = "consistent"
        elif days is not None and days <= CONTRADICT_DAYS:
            picture = "contradicts"
            detail["contradictions"].append(
                f"the picture places {unit.unit_id} at {unit.place or 'another place'} "
                f"({km:.0f} km away) on {when.isoformat() if when else '?'}"
            )
        else:
            picture = "moved"
            detail["reasons"].append(
                f"the picture's position ({unit.place or '?'}, {km:.0f} km away) is "
                f"{days} days older: the unit may have moved"
            )
    detail["picture"] = picture
    return detail, reliability, 0, corroboration


def credibility(
    corroboration: int, picture: str, contradicted: bool, dated_by: set[str]
) -> tuple[int, str]:
    """Admiralty credibility and the reason, by the table in the module docstring."""
    if dated_by == {"retrieved"}:
        return 6, "no date in the text or the publication: truth cannot be judged"
    if contradicted:
        if corroboration >= 2:
            return 3, f"{corroboration} independent sources, but contradicted"
        return 5, "one source, contradicted by other information"
    if corroboration >= 2:
        return 1, f"confirmed by {corroboration} independent sources"
    if picture == "consistent":
        return 2, "one source, consistent with the picture"
    if picture == "new":
        return 4, "one source on a unit the picture does not hold"
    return 3, "one source on a unit the picture holds"


def _new_designation(k: tuple[Any, ...], ms: list[M], lang: str) -> str:
    if k[0] == "n":
        try:
            return format_designation(
                k[2], k[1], k[3], frozenset({"guards"} if k[4] else ()), lang=lang
            )
        except (KeyError, ValueError):
            pass
    written = Counter(m.designation for m in ms if m.designation)
    if written:
        return written.most_common(1)[0][0]
    return f"в/ч {k[1]}" if k[0] == "u" else str(k[-1])


def compile_partner(conn: Connection, partner: str, *, actor: str = "cli") -> Summary:
    """Refresh the partner's pending candidates from every mention not yet decided on."""
    p = get_partner(conn, partner)
    if conn.dialect.name == "postgresql":  # one compile per partner at a time (workers, CLI)
        lock = int.from_bytes(hashlib.sha256(f"osint:{p.code}".encode()).digest()[:4], "big")
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
    docs, mentions, bound = _load(conn, p.code)
    summary = Summary(documents=len(docs), mentions=len(mentions))
    head = _dedupe(conn, docs, mentions) if docs else {}
    summary.duplicates = sum(1 for d, h in head.items() if d != h)
    live = [m for m in mentions if m.id not in bound]
    ident = {m.id: identity(m) for m in live}
    keys = {k for k in ident.values() if k is not None}
    merged = _merge_branchless(keys)
    picture = get_picture(conn, p.code)
    matched, ambiguous = match_units(picture, set(merged.values()))
    sources = {
        r.id: (r.codename, r.reliability)
        for r in conn.execute(
            sa.select(source.c.id, source.c.codename, source.c.reliability).where(
                source.c.partner_code == p.code
            )
        )
    }
    by_unit: dict[tuple[str, str], list[M]] = defaultdict(list)
    unit_key: dict[tuple[str, str], tuple[Any, ...]] = {}
    for m in live:
        k = ident[m.id]
        if k is None:
            continue
        k = merged[k]
        ref = ("picture", matched[k][0]) if k in matched else ("new", key_text(k))
        by_unit[ref].append(m)
        unit_key.setdefault(ref, k)
    lang = p.language if p.language in ("en", "pl", "ru", "de", "ja") else "en"
    built: list[Built] = []
    for ref, ms in by_unit.items():
        k = unit_key[ref]
        view = picture.units.get(ref[1]) if ref[0] == "picture" else None
        echelon = (view.echelon if view else None) or (k[1] if k[0] in ("n", "d") else None)
        for g in _groups(ref, ms, echelon):
            detail, rel, _, corr = _grade(g, docs, head, sources, view, echelon)
            first = min(m.day for m in g.mentions)
            last = max(m.day for m in g.mentions)
            if k in ambiguous:
                detail["ambiguous"] = ambiguous[k]
                detail["reasons"].append(
                    "fits more than one unit of the picture equally: "
                    + ", ".join(ambiguous[k])
                    + " (pick one with edit)"
                )
            score = matched[k][1] if k in matched else None
            detail["match"] = {
                "unit": ref[1] if ref[0] == "picture" else None,
                "score": round(score, 3) if score is not None else None,
                "identity": list(k),
            }
            key = "|".join([ref[0], ref[1][:300], (g.place or "-")[:100], first.isoformat()])[:500]
            designation = view.designation if view else _new_designation(k, g.mentions, lang)
            values = {
                "unit_local_id": ref[1] if ref[0] == "picture" else None,
                "match_score": score,
                "designation": designation[:300],
                "number": k[2] if k[0] == "n" else None,
                "echelon": echelon,
                "branch": (view.branch if view else None) or (k[3] if k[0] == "n" else None),
                "guards": bool(k[4]) if k[0] == "n" else False,
                "unit_number": k[1] if k[0] == "u" else None,
                "place": g.place,
                "lat": g.lat,
                "lon": g.lon,
                "place_precision": min(
                    (m.place_precision for m in g.mentions if m.place_precision), default=None
                ),
                "valid_at": datetime(last.year, last.month, last.day, tzinfo=UTC),
                "date_precision": min(m.date_precision for m in g.mentions if m.day == last),
                "first_seen": first.isoformat(),
                "last_seen": last.isoformat(),
                "reliability": rel,
                "corroboration": corr,
                "grading": detail,
            }
            built.append(Built(key, g, values))
    # candidates of one unit placed far apart at the same time contradict each other
    per_unit: dict[tuple[str, str], list[Built]] = defaultdict(list)
    for b in built:
        per_unit[b.group.unit].append(b)
    for bs in per_unit.values():
        placed = [b for b in bs if b.values["lat"] is not None]
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                near = abs((a.values["valid_at"] - b.values["valid_at"]).days) <= WINDOW_DAYS
                km = haversine_km(
                    a.values["lat"], a.values["lon"], b.values["lat"], b.values["lon"]
                )
                if near and km > _tolerance(a.values["echelon"]):
                    for x, y in ((a, b), (b, a)):
                        x.values["grading"]["contradictions"].append(
                            f"another report places it at {y.values['place']} "
                            f"({km:.0f} km away) on {y.values['last_seen']}"
                        )
    for b in built:
        det = b.values["grading"]
        cred, why = credibility(
            b.values["corroboration"],
            det["picture"],
            bool(det["contradictions"]),
            {m.dated_by for m in b.group.mentions},
        )
        if "ambiguous" in det:
            summary.ambiguous += 1
        det["reasons"].insert(0, why)
        b.values["credibility"] = cred
    _save(conn, p.code, built, summary)
    if summary.new or summary.updated or summary.removed:
        audit.record(conn, actor, "osint.compile", p.code, summary.to_dict())
    return summary


def _save(conn: Connection, partner: str, built: list[Built], summary: Summary) -> None:
    now = utcnow()
    old = {
        r.key: r
        for r in conn.execute(
            sa.select(osint_candidate).where(
                osint_candidate.c.partner_code == partner,
                osint_candidate.c.status == "pending",
                sa.not_(osint_candidate.c.edited),
            )
        )
    }
    links: dict[str, set[str]] = defaultdict(set)
    if old:
        for r in conn.execute(
            sa.select(osint_candidate_mention).where(
                osint_candidate_mention.c.candidate_id.in_([r.id for r in old.values()])
            )
        ):
            links[r.candidate_id].add(r.mention_id)
    keep: set[str] = set()
    for b in built:
        mids = {m.id for m in b.group.mentions}
        row = old.get(b.key)
        if row is not None and row.id not in keep:
            keep.add(row.id)
            changed = any(_differs(getattr(row, f), b.values[f]) for f in SHOWN)
            if changed or links[row.id] != mids or row.grading != b.values["grading"]:
                conn.execute(
                    osint_candidate.update()
                    .where(osint_candidate.c.id == row.id)
                    .values(
                        **b.values,
                        updated_at=now,
                        revision=row.revision + (1 if changed or links[row.id] != mids else 0),
                    )
                )
                _relink(conn, row.id, mids)
                summary.updated += 1
            else:
                summary.unchanged += 1
            continue
        cid = new_id()
        conn.execute(
            osint_candidate.insert().values(
                id=cid,
                partner_code=partner,
                key=b.key,
                status="pending",
                revision=1,
                edited=False,
                created_at=now,
                updated_at=now,
                **b.values,
            )
        )
        _relink(conn, cid, mids, fresh=True)
        summary.new += 1
    stale = [r.id for r in old.values() if r.id not in keep]
    if stale:
        conn.execute(
            osint_candidate_mention.delete().where(
                osint_candidate_mention.c.candidate_id.in_(stale)
            )
        )
        conn.execute(osint_candidate.delete().where(osint_candidate.c.id.in_(stale)))
        summary.removed += len(stale)


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is None or b is None or abs(float(a) - float(b)) > 1e-9
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(tzinfo=UTC) != b.astimezone(UTC).replace(tzinfo=UTC)
    return a != b


def _relink(conn: Connection, cid: str, mids: set[str], fresh: bool = False) -> None:
    if not fresh:
        conn.execute(
            osint_candidate_mention.delete().where(osint_candidate_mention.c.candidate_id == cid)
        )
    if mids:
        conn.execute(
            osint_candidate_mention.insert(),
            [{"candidate_id": cid, "mention_id": m} for m in sorted(mids)],
        )
