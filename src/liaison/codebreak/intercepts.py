"""Intercepts: captured ciphertexts with provenance and markings, and their solutions.

An intercept is stored once, as received (grouping and line breaks kept), with who intercepted it,
where and when, and how it may be released (TLP, REL TO, ORCON) — the courier carries intercepts
in pouches under the same release policy as observations. Solutions are appended rows, by the
solver (``solved_by`` = ``solver:<actor>``) or an analyst; nothing is overwritten. Retraction marks
the intercept withdrawn (``retracted_at``) and is audited; its solutions stay on record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.codebreak import DEFAULT_BUDGET, named
from liaison.codebreak.alphabets import ALL_ALPHABETS, ALPHABETS, normalise, resolve
from liaison.core.clock import iso, to_utc, utcnow
from liaison.core.errors import ConflictError, LiaisonError, NotFoundError, ValidationError
from liaison.core.ids import new_id
from liaison.core.markings import parse_marking, parse_tlp
from liaison.store import audit
from liaison.store.engine import Store
from liaison.store.schema.codebreak import intercept, intercept_solution
from liaison.store.schema.orbat import partner, source

MAX_CIPHERTEXT = 100_000  # characters; a message, not a corpus


@dataclass
class Solution:
    id: str
    solved_at: datetime
    solved_by: str
    cipher: str
    language: str | None
    key: Any
    plaintext: str
    score: float | None
    confidence: float | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["solved_at"] = iso(self.solved_at)
        return d


@dataclass
class Intercept:
    id: str
    partner: str
    local_id: str
    received_from: str | None
    intercepted_at: datetime
    recorded_at: datetime
    station: str | None
    callsign: str | None
    frequency_khz: float | None
    language: str | None
    cipher_hint: str | None
    ciphertext: str
    source: str | None
    tlp: str
    rel_to: list[str]
    orcon: bool
    notes: str | None
    retracted_at: datetime | None
    solutions: list[Solution] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.partner}/{self.local_id}"

    @property
    def best(self) -> Solution | None:
        """The most confident solution (an analyst's, without a confidence, counts as 1.0)."""
        if not self.solutions:
            return None
        return max(self.solutions, key=lambda s: (_conf(s), s.solved_at))

    @property
    def solved(self) -> bool:
        return self.best is not None

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k != "solutions"}
        d["ref"] = self.ref
        for k in ("intercepted_at", "recorded_at", "retracted_at"):
            d[k] = iso(getattr(self, k))
        d["solutions"] = [s.to_dict() for s in self.solutions]
        return d


def _conf(s: Solution) -> float:
    return 1.0 if s.confidence is None else s.confidence


def _solution(r: Any) -> Solution:
    return Solution(
        r.id,
        to_utc(r.solved_at),
        r.solved_by,
        r.cipher,
        r.language,
        r.key,
        r.plaintext,
        r.score,
        r.confidence,
    )


def _intercept(r: Any, sols: list[Solution]) -> Intercept:
    return Intercept(
        id=r.id,
        partner=r.partner_code,
        local_id=r.local_id,
        received_from=r.received_from,
        intercepted_at=to_utc(r.intercepted_at),
        recorded_at=to_utc(r.recorded_at),
        station=r.station,
        callsign=r.callsign,
        frequency_khz=r.frequency_khz,
        language=r.language,
        cipher_hint=r.cipher_hint,
        ciphertext=r.ciphertext,
        source=r.codename,
        tlp=r.tlp,
        rel_to=[c for c in r.rel_to.split(",") if c],
        orcon=bool(r.orcon),
        notes=r.notes,
        retracted_at=to_utc(r.retracted_at) if r.retracted_at else None,
        solutions=sols,
    )


def _partner_code(conn: Connection, code: str, field_name: str) -> str:
    c = code.strip().upper()
    if not conn.execute(sa.select(partner.c.code).where(partner.c.code == c)).first():
        raise NotFoundError(f"{field_name}: no partner {code!r} (see `liaison partner list`)")
    return c


def _check_text(ciphertext: str) -> str:
    text = ciphertext.strip()
    if not text:
        raise ValidationError("ciphertext is empty")
    if len(text) > MAX_CIPHERTEXT:
        raise ValidationError(
            f"ciphertext has {len(text)} characters; the limit is {MAX_CIPHERTEXT}"
        )
    letters = set("".join(ALPHABETS.values()))
    if not any(ch.isdigit() or ch.upper() in letters for ch in text):
        raise ValidationError("ciphertext has neither letters of ru/pl/de/en nor digits")
    return text


def _next_local_id(conn: Connection, partner_code: str) -> str:
    n = conn.execute(
        sa.select(sa.func.count())
        .select_from(intercept)
        .where(intercept.c.partner_code == partner_code)
    ).scalar_one()
    while True:
        n += 1
        lid = f"I{n:05d}"
        if not conn.execute(
            sa.select(intercept.c.id).where(
                intercept.c.partner_code == partner_code, intercept.c.local_id == lid
            )
        ).first():
            return lid


def add(
    conn: Connection,
    ciphertext: str,
    partner_code: str,
    intercepted_at: datetime | None = None,
    *,
    local_id: str | None = None,
    received_from: str | None = None,
    station: str | None = None,
    callsign: str | None = None,
    frequency_khz: float | None = None,
    language: str | None = None,
    cipher_hint: str | None = None,
    source_codename: str | None = None,
    marking: str | None = None,
    tlp: str | None = None,
    rel_to: list[str] | None = None,
    orcon: bool | None = None,
    notes: str | None = None,
    actor: str = "cli",
    alphabet: str | None = None,
) -> Intercept:
    """Store an intercept; every problem with the input is reported at once (ValidationError).

    ``language`` is a language or an alphabet id (``pl26``: the traffic was sent in 26 Latin
    letters); ``alphabet`` narrows a language (`alphabets.resolve`). The id is what is stored."""
    problems: list[str] = []
    if alphabet is not None:
        try:
            language = resolve(language, alphabet)
        except LiaisonError as exc:
            problems.append(f"alphabet: {exc}")
    try:
        text = _check_text(ciphertext)
    except ValidationError as exc:
        problems.append(f"ciphertext: {exc}")
        text = ""
    pcode = _partner_code(conn, partner_code, "partner")
    rfrom = _partner_code(conn, received_from, "received_from") if received_from else None
    if language is not None and language not in ALL_ALPHABETS:
        problems.append(f"language: must be one of {', '.join(ALL_ALPHABETS)}, got {language!r}")
    if cipher_hint is not None and cipher_hint not in named.names():
        problems.append(
            f"cipher_hint: unknown cipher {cipher_hint!r}; use one of {', '.join(named.names())}"
        )
    if frequency_khz is not None and not (0 < frequency_khz < 1e9):
        problems.append(f"frequency_khz: must be positive, got {frequency_khz}")
    m_tlp, m_rel, m_orcon = "AMBER", [], False
    try:
        if marking:
            m = parse_marking(marking)
            m_tlp, m_rel, m_orcon = m.tlp, list(m.rel_to), m.orcon
        if tlp:
            m_tlp = parse_tlp(tlp)
    except ValueError as exc:
        problems.append(f"marking: {exc}")
    if rel_to:
        m_rel = sorted({c.strip().upper() for c in rel_to if c.strip()})
    for c in m_rel:
        if not c.isalnum():
            problems.append(f"rel_to: {c!r} is not a partner code")
    if orcon is not None:
        m_orcon = orcon
    lid = (local_id or "").strip()
    if local_id is not None and not lid:
        problems.append("local_id: empty")
    if len(lid) > 200:
        problems.append("local_id: longer than 200 characters")
    now = utcnow()
    when = to_utc(intercepted_at) if intercepted_at else now
    if when > now:
        problems.append(f"intercepted_at: {iso(when)} is in the future")
    sid = None
    if source_codename:
        row = conn.execute(
            sa.select(source.c.id).where(
                source.c.partner_code == pcode, source.c.codename == source_codename
            )
        ).first()
        if row is None:
            problems.append(f"source: no source {source_codename!r} for partner {pcode}")
        else:
            sid = row.id
    if problems:
        raise ValidationError("intercept not stored", problems)
    lid = lid or _next_local_id(conn, pcode)
    if conn.execute(
        sa.select(intercept.c.id).where(
            intercept.c.partner_code == pcode, intercept.c.local_id == lid
        )
    ).first():
        raise ConflictError(f"intercept {pcode}/{lid} already exists")
    iid = new_id()
    try:
        conn.execute(
            intercept.insert().values(
                id=iid,
                partner_code=pcode,
                local_id=lid,
                received_from=rfrom,
                intercepted_at=when,
                recorded_at=now,
                station=station,
                callsign=callsign,
                frequency_khz=frequency_khz,
                language=language,
                cipher_hint=cipher_hint,
                ciphertext=text,
                source_id=sid,
                tlp=m_tlp,
                rel_to=",".join(m_rel),
                orcon=m_orcon,
                notes=notes,
            )
        )
    except sa.exc.IntegrityError:
        raise ConflictError(f"intercept {pcode}/{lid} was stored meanwhile; try again") from None
    audit.record(
        conn,
        actor,
        "intercept.add",
        f"{pcode}/{lid}",
        {"id": iid, "chars": len(text), "tlp": m_tlp, "rel_to": m_rel, "orcon": m_orcon},
    )
    return get(conn, iid)


def _select() -> sa.Select[Any]:
    return sa.select(intercept, source.c.codename).select_from(
        intercept.outerjoin(source, intercept.c.source_id == source.c.id)
    )


def _with_solutions(conn: Connection, rows: list[Any]) -> list[Intercept]:
    ids = [r.id for r in rows]
    sols: dict[str, list[Solution]] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for s in conn.execute(
            sa.select(intercept_solution)
            .where(intercept_solution.c.intercept_id.in_(part))
            .order_by(intercept_solution.c.solved_at, intercept_solution.c.id)
        ):
            sols[s.intercept_id].append(_solution(s))
    return [_intercept(r, sols[r.id]) for r in rows]


def get(conn: Connection, ref: str) -> Intercept:
    """By id, ``PARTNER/LOCAL_ID``, or a local id that only one partner uses."""
    ref = ref.strip()
    q = _select()
    if "/" in ref:
        p, _, lid = ref.partition("/")
        rows = conn.execute(
            q.where(intercept.c.partner_code == p.strip().upper(), intercept.c.local_id == lid)
        ).all()
    else:
        rows = (
            conn.execute(q.where(intercept.c.id == ref)).all()
            or conn.execute(q.where(intercept.c.local_id == ref)).all()
        )
    if not rows:
        raise NotFoundError(f"no intercept {ref!r} (see `liaison intercepts list`)")
    if len(rows) > 1:
        refs = ", ".join(f"{r.partner_code}/{r.local_id}" for r in rows)
        raise ValidationError(f"intercept {ref!r} is ambiguous: {refs}; name it as PARTNER/ID")
    return _with_solutions(conn, rows)[0]


def list_intercepts(
    conn: Connection,
    partner_code: str | None = None,
    since: datetime | None = None,
    solved: bool | None = None,
    include_retracted: bool = False,
    limit: int | None = None,
) -> list[Intercept]:
    """Newest intercepted first; ``since`` filters on intercepted_at, ``solved`` on solutions."""
    q = _select()
    if partner_code:
        q = q.where(intercept.c.partner_code == _partner_code(conn, partner_code, "partner"))
    if since is not None:
        q = q.where(intercept.c.intercepted_at >= to_utc(since))
    if not include_retracted:
        q = q.where(intercept.c.retracted_at.is_(None))
    has_solution = sa.exists().where(intercept_solution.c.intercept_id == intercept.c.id)
    if solved is True:
        q = q.where(has_solution)
    elif solved is False:
        q = q.where(~has_solution)
    q = q.order_by(intercept.c.intercepted_at.desc(), intercept.c.local_id)
    if limit:
        q = q.limit(limit)
    return _with_solutions(conn, conn.execute(q).all())


def _store_solution(
    conn: Connection,
    it: Intercept,
    solved_by: str,
    cipher: str,
    language: str | None,
    key: Any,
    plaintext: str,
    score: float | None,
    confidence: float | None,
    actor: str,
) -> Solution:
    sid = new_id()
    now = utcnow()
    conn.execute(
        intercept_solution.insert().values(
            id=sid,
            intercept_id=it.id,
            solved_at=now,
            solved_by=solved_by,
            cipher=cipher,
            language=language,
            key=key,
            plaintext=plaintext,
            score=score,
            confidence=confidence,
        )
    )
    audit.record(
        conn,
        actor,
        "intercept.solve",
        it.ref,
        {"solution": sid, "by": solved_by, "cipher": cipher, "confidence": confidence},
    )
    return Solution(sid, now, solved_by, cipher, language, key, plaintext, score, confidence)


def _live(it: Intercept) -> None:
    if it.retracted_at is not None:
        raise ConflictError(f"intercept {it.ref} was retracted at {iso(it.retracted_at)}")


def solve(
    store: Store,
    ref: str,
    budget: float = DEFAULT_BUDGET,
    language: str | None = None,
    cipher: str | None = None,
    min_confidence: float = 0.0,
    actor: str = "cli",
    alphabet: str | None = None,
) -> tuple[Intercept, Solution | None]:
    """Run the solver on a stored intercept within ``budget`` seconds and store its answer.

    The solver runs outside any transaction (it may take the whole budget), then the solution is
    appended in a short one. Answers under ``min_confidence`` are returned but not stored.
    """
    from liaison.codebreak.solve import crack

    if budget <= 0:
        raise ValidationError(f"budget must be positive seconds, got {budget}")
    with store.connect() as conn:
        it = get(conn, ref)
    _live(it)
    lang = language or it.language
    sol = crack(
        it.ciphertext, lang=lang, cipher=cipher or it.cipher_hint, budget=budget, alphabet=alphabet
    )
    if sol.confidence < min_confidence:
        return it, None
    with store.begin() as conn:
        stored = _store_solution(
            conn,
            it,
            f"solver:{actor}",
            sol.cipher,
            sol.alphabet,  # the alphabet id: what the key works over (a language if native)
            sol.key,
            sol.plaintext,
            sol.score,
            sol.confidence,
            actor,
        )
    it.solutions.append(stored)
    return it, stored


def record_solution(
    conn: Connection,
    ref: str,
    analyst: str,
    cipher: str,
    key: str | None = None,
    plaintext: str | None = None,
    language: str | None = None,
    confidence: float | None = None,
    alphabet: str | None = None,
) -> Solution:
    """An analyst's solution: a key (the plaintext is then computed and, if also given, checked)
    or a plaintext alone (``key`` unknown)."""
    it = get(conn, ref)
    _live(it)
    if not analyst.strip():
        raise ValidationError("analyst: a name is required for a manual solution")
    lang = language or it.language
    if alphabet is not None:
        lang = resolve(lang, alphabet)
    if lang is not None and lang not in ALL_ALPHABETS:
        raise ValidationError(f"language: must be one of {', '.join(ALL_ALPHABETS)}, got {lang!r}")
    if key is None and not (plaintext or "").strip():
        raise ValidationError("a manual solution needs --key, --plaintext, or both")
    if confidence is not None and not 0 <= confidence <= 1:
        raise ValidationError(f"confidence must be between 0 and 1, got {confidence}")
    stored_key: Any = None
    if key is not None:
        if lang is None:
            raise ValidationError(f"intercept {it.ref} has no language; give --lang with the key")
        args = named.parse_key(cipher, key)
        stored_key = args[0] if len(args) == 1 else args
        derived = named.apply(cipher, it.ciphertext, args, lang, decrypt=True)
        if plaintext and plaintext.strip():
            given = normalise(plaintext, lang)
            if given != derived:
                at = next(
                    (i for i, (a, b) in enumerate(zip(given, derived, strict=False)) if a != b),
                    None,
                )
                where = f"letter {at + 1}" if at is not None else "length"
                raise ValidationError(
                    f"the key does not give this plaintext (first difference at {where}); "
                    "give the key or the plaintext alone"
                )
        text = derived
    else:
        if cipher not in named.names():
            raise ValidationError(
                f"unknown cipher {cipher!r}; use one of {', '.join(named.names())}"
            )
        text = normalise(plaintext or "", lang) if lang else (plaintext or "").strip()
        if not text:
            raise ValidationError("plaintext has no letters of the intercept's language")
    return _store_solution(
        conn, it, analyst.strip(), cipher, lang, stored_key, text, None, confidence, analyst.strip()
    )


def retract(conn: Connection, ref: str, reason: str, actor: str = "cli") -> Intercept:
    """Withdraw an intercept (wrongly recorded, duplicate): it leaves listings and pouches carry the
    retraction; the row and its solutions stay for the record."""
    it = get(conn, ref)
    _live(it)
    if not reason.strip():
        raise ValidationError("reason: say why the intercept is retracted")
    now = utcnow()
    conn.execute(intercept.update().where(intercept.c.id == it.id).values(retracted_at=now))
    audit.record(conn, actor, "intercept.retract", it.ref, {"id": it.id, "reason": reason.strip()})
    it.retracted_at = now
    return it


def groups(text: str, size: int = 5, per_line: int = 10) -> str:
    """Ciphertext in period style: groups of ``size`` characters, ``per_line`` groups a line."""
    chars = [c for c in text if not c.isspace()]
    gs = ["".join(chars[i : i + size]) for i in range(0, len(chars), size)]
    return "\n".join(" ".join(gs[i : i + per_line]) for i in range(0, len(gs), per_line))
