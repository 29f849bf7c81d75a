"""Ingest: files, folders and URL lists → documents and mentions in the store, on every core.

Reading (HTML main text, PDF text layer, feeds, channel exports) and extraction are CPU work with
no store access, so they run in a process pool; the parent writes each input in its own
transaction as results arrive. One input is all or nothing: a file that cannot be read whole is
reported with the reader's message and leaves no row behind, and the others still go in.

Nothing is fetched from the network unless asked (`fetch=True`), and then only http(s) URLs,
each capped in bytes and time.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from liaison.core.clock import utcnow
from liaison.core.errors import LiaisonError, ValidationError
from liaison.osint.archive import Parsed, Stored, source_for, store_parsed
from liaison.store.engine import Store

LANGS = ("auto", "ru", "uk", "pl", "de", "en", "ja")
LIST_SUFFIXES = (".urls", ".list")
FETCH_MAX_BYTES = 32 * 2**20
FETCH_TIMEOUT_S = 30.0
_URL_LINE = re.compile(r"^(https?|file)://\S+$", re.I)


@dataclass(frozen=True)
class Item:
    """One input: a local path to read (or an http URL to fetch) and the origin to record."""

    origin: str
    path: str | None  # None for an http(s) URL


@dataclass
class Report:
    stored: list[Stored] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    compiled: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": len(self.stored) + len(self.failed),
            "documents": sum(len(s.documents) for s in self.stored),
            "skipped": sum(s.skipped for s in self.stored),
            "mentions": sum(s.mentions for s in self.stored),
            "failed": [{"origin": o, "error": e} for o, e in self.failed],
            "seconds": round(self.seconds, 3),
            "compiled": self.compiled,
        }


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValidationError(f"--lang {lang!r}: expected one of {', '.join(LANGS)}")
    return lang


def _from_url(text: str, base: Path | None, fetch: bool, where: str) -> Item:
    u = urlparse(text)
    scheme = u.scheme.lower()
    if scheme == "file":
        if u.netloc not in ("", "localhost"):
            raise ValidationError(f"{where}: file URL on another host ({text})")
        return Item(text, unquote(u.path))
    if scheme in ("http", "https"):
        if not fetch:
            raise ValidationError(
                f"{where}: {text} is on the network; nothing is fetched unless you add --fetch"
            )
        return Item(text, None)
    if scheme:
        raise ValidationError(f"{where}: unsupported URL scheme {scheme!r} ({text})")
    p = Path(text)
    if not p.is_absolute() and base is not None:
        p = base / p
    return Item(str(p), str(p))


def is_url_list(path: Path) -> bool:
    """A file of URLs (or, with suffix .urls / .list, of paths), one a line; # starts a comment."""
    if path.suffix.lower() in LIST_SUFFIXES:
        return True
    try:
        if path.stat().st_size > 4 * 2**20:
            return False
        with path.open("rb") as fh:
            head = fh.read(4096)
        if b"\x00" in head:
            return False
        lines = [
            line.strip()
            for line in path.read_text("utf-8", errors="strict").splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    except (OSError, UnicodeDecodeError):
        return False
    return bool(lines) and all(_URL_LINE.match(line) for line in lines)


def expand(args: Iterable[str], *, fetch: bool = False) -> list[Item]:
    """Paths, folders (recursively, hidden files skipped), URL lists and URLs → inputs.

    Every argument is checked before anything is read; the first problems are all reported."""
    items: list[Item] = []
    problems: list[str] = []
    for arg in args:
        try:
            if "://" in arg:
                items.append(_from_url(arg, None, fetch, arg))
                continue
            p = Path(arg)
            if p.is_dir():
                for f in sorted(p.rglob("*")):
                    rel = f.relative_to(p).parts
                    if f.is_file() and not any(part.startswith(".") for part in rel):
                        items.append(Item(str(f), str(f)))
                continue
            if not p.is_file():
                raise ValidationError(f"{arg}: no such file or folder")
            if is_url_list(p):
                for n, line in enumerate(p.read_text("utf-8").splitlines(), 1):
                    s = line.strip()
                    if not s or s.startswith("#"):
                        continue
                    it = _from_url(s, p.parent, fetch, f"{arg}, line {n}")
                    if it.path is not None and not Path(it.path).is_file():
                        raise ValidationError(f"{arg}, line {n}: no such file {it.path}")
                    items.append(it)
                continue
            items.append(Item(str(p), str(p)))
        except ValidationError as exc:
            problems.append(str(exc))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{arg}: cannot read ({exc})")
    if problems:
        raise ValidationError("nothing ingested: bad input", problems)
    seen: set[str] = set()
    out = []
    for it in items:  # the same file named twice is read once
        if it.origin not in seen:
            seen.add(it.origin)
            out.append(it)
    return out


# ---------------------------------------------------------------- the work (in a worker process)

_STATE: dict[str, Any] = {}


def _init(dictionary: Any, lang: str) -> None:
    _STATE["dictionary"] = dictionary
    _STATE["lang"] = lang


def fetch_url(url: str) -> bytes:
    """GET an http(s) URL, at most FETCH_MAX_BYTES and FETCH_TIMEOUT_S; only when asked."""
    import httpx

    try:
        with httpx.stream(
            "GET",
            url,
            timeout=FETCH_TIMEOUT_S,
            follow_redirects=True,
            headers={"User-Agent": "liaison-osint"},
        ) as r:
            if r.status_code != 200:
                raise ValidationError(f"{url}: HTTP {r.status_code}")
            buf = bytearray()
            for chunk in r.iter_bytes():
                buf += chunk
                if len(buf) > FETCH_MAX_BYTES:
                    raise ValidationError(
                        f"{url}: larger than {FETCH_MAX_BYTES // 2**20} MB; not read"
                    )
            return bytes(buf)
    except httpx.HTTPError as exc:
        raise ValidationError(f"{url}: cannot fetch ({exc})") from None


def process(item: Item, lang: str, dictionary: Any) -> Parsed:
    """Read one input and extract its mentions (pure: no store)."""
    from liaison.osint import dedupe
    from liaison.osint.documents import read, read_bytes, sniff
    from liaison.osint.extract import extract

    t0 = time.perf_counter()
    if item.path is None:
        data = fetch_url(item.origin)
        name = Path(urlparse(item.origin).path).name or "index.html"
        docs = read_bytes(data, where=item.origin, kind=sniff(data, name), lang=lang)
        retrieved = utcnow()
    else:
        docs = read(item.path, lang=lang, origin=item.origin if item.origin != item.path else None)
        try:
            retrieved = datetime.fromtimestamp(os.stat(item.path).st_mtime, UTC)
        except OSError:
            retrieved = utcnow()
    mentions: list[Any] = []
    fps: dict[str, dict[str, Any]] = {}
    for d in docs:
        mentions.extend(extract(d, dictionary=dictionary))
        fps[d.id] = dedupe.fingerprint(d.text)
    return Parsed(item.origin, docs, mentions, fps, retrieved, time.perf_counter() - t0)


def _task(item: Item) -> tuple[Parsed | None, str | None]:
    try:
        return process(item, _STATE["lang"], _STATE["dictionary"]), None
    except LiaisonError as exc:
        return None, str(exc)
    except MemoryError:
        return None, f"{item.origin}: too large to read in memory"
    except Exception as exc:  # a hostile file may break a third-party parser: report, never crash
        return None, f"{item.origin}: could not be read ({type(exc).__name__}: {exc})"


def dictionary_for(store: Store, partner: str) -> Any:
    """The names the partner's picture holds, for extraction: every designation a unit has had
    (any language), with the unit's latest position as its garrison."""
    from liaison.osint.extract import Dictionary

    with store.connect() as conn:
        return Dictionary(picture_names(conn, partner))


def picture_names(conn: Any, partner: str) -> list[tuple[str, str, tuple[float, float] | None]]:
    import sqlalchemy as sa

    from liaison.orbat.picture import get_picture
    from liaison.store.schema.orbat import observation, unit

    pic = get_picture(conn, partner)
    rows = conn.execute(
        sa.select(unit.c.local_id, observation.c.designation)
        .select_from(observation.join(unit, unit.c.id == observation.c.unit_id))
        .where(observation.c.partner_code == partner, observation.c.designation.is_not(None))
        .distinct()
    )
    out = []
    for local_id, designation in rows:
        u = pic.units.get(local_id)
        if u is None:  # retracted
            continue
        g = (u.lat, u.lon) if u.has_position else None
        out.append((local_id, designation, g))
    return sorted(out, key=lambda r: (r[0], r[1]))


WARM = {
    "ru": "12 марта 2024 года части 1-й гвардейской танковой армии замечены в Белгороде.",
    "uk": "17 березня 2024 року підрозділи 20-ї армії біля Валуйок.",
    "pl": "6 Armia w Pskowie 15 marca 2024.",
    "de": "Die 6. Armee in Pskow am 14. März 2024.",
    "en": "The 27th Division in Kursk on 3 March 2024.",
}


def warm_up(lang: str, dictionary: Any) -> None:
    """Load the language models once in the parent, so forked workers share them (copy on
    write) instead of each paying the cold start."""
    from liaison.osint.documents import read_bytes
    from liaison.osint.extract import extract

    for code, text in WARM.items():
        if lang in ("auto", code):
            for d in read_bytes(text.encode(), where="warm-up", kind="text", lang=code):
                extract(d, dictionary=dictionary)


HASH_MAX_BYTES = 256 * 2**20  # larger files go to the reader, which refuses them by size


def file_sha256(path: str) -> str | None:
    import hashlib

    try:
        if os.path.getsize(path) > HASH_MAX_BYTES:
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def held(store_or_conn: Any, items: list[Item]) -> set[str]:
    """Origins of inputs whose bytes are a document already held: re-reading and re-extracting
    them would add nothing, so they are skipped before any work (a feed or channel export holds
    many documents under other hashes, and is always read again for its new items)."""
    import sqlalchemy as sa

    from liaison.store.schema.osint import osint_document

    shas = {it.origin: sha for it in items if it.path and (sha := file_sha256(it.path))}
    if not shas:
        return set()
    found: set[str] = set()
    values = sorted(set(shas.values()))

    def query(conn: Any) -> None:
        for i in range(0, len(values), 500):
            found.update(
                conn.execute(
                    sa.select(osint_document.c.sha256).where(
                        osint_document.c.sha256.in_(values[i : i + 500])
                    )
                ).scalars()
            )

    if isinstance(store_or_conn, Store):
        with store_or_conn.connect() as conn:
            query(conn)
    else:
        query(store_or_conn)
    return {o for o, sha in shas.items() if sha in found}


def workers_for(n_items: int, workers: int | None = None) -> int:
    cores = os.cpu_count() or 1
    return max(1, min(workers or cores, n_items))


def ingest(
    store: Store,
    partner: str,
    items: list[Item],
    *,
    source: str | None = None,
    lang: str = "auto",
    actor: str = "cli",
    workers: int | None = None,
    compile_after: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Read, extract and store every input (one transaction each), then compile."""
    from liaison.orbat.partners import get_partner

    check_lang(lang)
    t0 = time.perf_counter()
    with store.connect() as conn:
        code = get_partner(conn, partner).code
        source_id = source_for(conn, code, source)
    report = Report()
    skip = held(store, items)
    for it in items:
        if it.origin in skip:
            report.stored.append(Stored(it.origin, skipped=1))
    if progress and skip:
        progress(len(skip), len(items), "")
    todo = [it for it in items if it.origin not in skip]
    dictionary = dictionary_for(store, code) if todo else None
    n = workers_for(len(todo), workers)

    def handle(i: int, item: Item, parsed: Parsed | None, error: str | None) -> None:
        if error is not None or parsed is None:
            report.failed.append((item.origin, error or "unknown error"))
        else:
            try:
                with store.begin() as conn:
                    report.stored.append(
                        store_parsed(conn, code, parsed, source_id=source_id, actor=actor)
                    )
            except LiaisonError as exc:
                report.failed.append((item.origin, str(exc)))
        if progress:
            progress(len(skip) + i, len(items), item.origin)

    if n <= 1:
        _init(dictionary, lang)
        for i, item in enumerate(todo, 1):
            parsed, error = _task(item)
            handle(i, item, parsed, error)
    else:
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        store.engine.dispose()  # no pooled connection is shared with the forked workers
        if ctx is not None:
            warm_up(lang, dictionary)
        with ProcessPoolExecutor(
            max_workers=n, mp_context=ctx, initializer=_init, initargs=(dictionary, lang)
        ) as pool:
            futures = {pool.submit(_task, item): item for item in todo}
            for i, fut in enumerate(as_completed(futures), 1):
                parsed, error = fut.result()
                handle(i, futures[fut], parsed, error)
    if compile_after and any(s.documents for s in report.stored):
        from liaison.osint.compile import compile_partner

        with store.begin() as conn:
            report.compiled = compile_partner(conn, code, actor=actor).to_dict()
    report.seconds = time.perf_counter() - t0
    return report
