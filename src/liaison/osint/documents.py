"""Read one file into documents: plain text, a page saved from a browser, a PDF's text layer,
an RSS/Atom feed (one document per item) or a Telegram channel export (one per message).

A file is read whole or not at all: every cap (bytes on disk, bytes after decompression, pages,
characters, items) is checked before anything is returned, and any failure is one
OsintInputError naming the file and, where there is one, the line, item or message.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from liaison.core.errors import OsintInputError

KINDS = ("text", "html", "pdf", "feed", "telegram")
LANGUAGES = ("ru", "uk", "pl", "de", "en", "ja")


@dataclass(frozen=True)
class Document:
    """One readable unit of open-source text, identified by the SHA-256 of the bytes it came from."""

    id: str  # sha256 hex of the bytes it was read from (an item or message: its canonical bytes)
    path: str  # file path or URL, with '#<item id>' for a feed item or channel message
    sha256: str
    kind: str  # text | html | pdf | feed | telegram
    title: str | None
    published: datetime | None  # timezone-aware UTC
    language: str  # ru | uk | pl | de | en | ja | und
    text: str

    def to_dict(self) -> dict[str, object]:
        """The document as the stable JSON contract shows it."""
        from liaison.core.clock import iso

        return {
            "id": self.id,
            "path": self.path,
            "sha256": self.sha256,
            "language": self.language,
            "title": self.title,
            "published": iso(self.published),
        }


@dataclass(frozen=True)
class Limits:
    """Caps that keep a hostile or careless file from eating the machine. Bytes are on disk
    (and again after gzip); a PDF of 2 GB is refused from its size alone, before it is opened."""

    text_bytes: int = 16 * 2**20
    html_bytes: int = 16 * 2**20
    pdf_bytes: int = 256 * 2**20
    feed_bytes: int = 32 * 2**20
    telegram_bytes: int = 256 * 2**20
    pdf_pages: int = 5000
    text_chars: int = 4_000_000  # per document, after extraction
    items: int = 200_000  # feed items or channel messages per file

    @classmethod
    def from_env(cls) -> Limits:
        """LIAISON_OSINT_MAX_MB raises or lowers every byte cap at once (a site with huge exports)."""
        mb = os.environ.get("LIAISON_OSINT_MAX_MB")
        if not mb:
            return cls()
        try:
            n = int(float(mb) * 2**20)
        except ValueError:
            raise OsintInputError(f"LIAISON_OSINT_MAX_MB: not a number: {mb!r}") from None
        return cls(n, n, n, n, n)

    def max_bytes(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_bytes"))

    @property
    def largest(self) -> int:
        return max(self.max_bytes(k) for k in KINDS)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n} bytes"


def _gunzip(data: bytes, cap: int, where: str) -> bytes:
    """Decompress in bounded steps: a zip bomb stops at the cap, not at the end of memory."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pos = 0
    try:
        while pos < len(data) and not d.eof:
            chunk = d.decompress(data[pos : pos + 65536], cap + 1 - len(out))
            if not d.unconsumed_tail:
                pos += 65536
            else:
                pos += 65536 - len(d.unconsumed_tail)
            out += chunk
            if len(out) > cap:
                raise OsintInputError(
                    f"{where}: expands past {_mb(cap)} when decompressed (a zip bomb?); not read"
                )
    except zlib.error as exc:
        raise OsintInputError(f"{where}: broken gzip data ({exc})") from None
    return bytes(out)


def sniff(data: bytes, name: str) -> str:
    """The kind of a file from its first bytes, its name breaking ties."""
    low = name.lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf") or low.endswith(".pdf"):
        return "pdf"
    if low.endswith(".json") or head.startswith(b"{"):
        return "telegram"
    if low.endswith((".rss", ".atom", ".rdf")) or (
        (head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"))
        and any(t in head for t in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel"))
    ):
        return "feed"
    if low.endswith((".html", ".htm", ".xhtml", ".shtml")) or head.startswith(
        (b"<!doctype html", b"<html", b"<!--", b"<head", b"<body")
    ):
        return "html"
    if low.endswith(".xml"):
        return "feed"
    return "text"


def read(
    path: Path | str,
    *,
    lang: str = "auto",
    origin: str | None = None,
    kind: str | None = None,
    limits: Limits | None = None,
) -> list[Document]:
    """Read one file into one or many documents (a feed or channel export gives many).

    `lang` fixes the language (one of LANGUAGES) instead of detecting it; `origin` is recorded as
    the document's path (the URL a page was saved from); `kind` overrides sniffing.
    Raises OsintInputError for anything that cannot be read whole.
    """
    p = Path(path)
    where = str(path)
    if lang != "auto" and lang not in LANGUAGES:
        raise OsintInputError(f"--lang {lang!r}: expected auto or one of {', '.join(LANGUAGES)}")
    if kind is not None and kind not in KINDS:
        raise OsintInputError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    lim = limits or Limits.from_env()
    try:
        if not p.is_file():
            raise OsintInputError(f"{where}: no such file")
        size = p.stat().st_size
    except OSError as exc:
        raise OsintInputError(f"{where}: cannot read ({exc.strerror})") from None
    if size > lim.largest or (kind is not None and size > lim.max_bytes(kind)):
        cap = lim.max_bytes(kind) if kind else lim.largest
        raise OsintInputError(
            f"{where}: {_mb(size)} is over the {_mb(cap)} cap (LIAISON_OSINT_MAX_MB); not read"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise OsintInputError(f"{where}: cannot read ({exc.strerror})") from None
    name = p.name
    raw_sha = sha256_hex(data)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, lim.largest if kind is None else lim.max_bytes(kind), where)
        name = name.removesuffix(".gz").removesuffix(".GZ")
    k = kind or sniff(data, name)
    if len(data) > lim.max_bytes(k):
        raise OsintInputError(
            f"{where}: {_mb(len(data))} of {k} is over the {_mb(lim.max_bytes(k))} cap; not read"
        )
    return read_bytes(data, where=origin or where, kind=k, lang=lang, limits=lim, sha=raw_sha)


def read_bytes(
    data: bytes,
    *,
    where: str,
    kind: str,
    lang: str = "auto",
    limits: Limits | None = None,
    sha: str | None = None,
) -> list[Document]:
    """Read bytes already in memory (a fetched page, a message body) as `kind`."""
    from liaison.osint import readers
    from liaison.osint.language import detect

    lim = limits or Limits()
    if len(data) > lim.max_bytes(kind):
        raise OsintInputError(f"{where}: over the {_mb(lim.max_bytes(kind))} cap; not read")
    sha = sha or sha256_hex(data)
    docs = readers.READERS[kind](data, where, sha, lim)
    if len(docs) > lim.items:
        raise OsintInputError(f"{where}: {len(docs)} items, over the cap of {lim.items}; not read")
    out = []
    for d in docs:
        if len(d.text) > lim.text_chars:
            raise OsintInputError(
                f"{d.path}: {len(d.text)} characters of text, over the cap of {lim.text_chars}"
            )
        language = lang if lang != "auto" else (d.language if d.language != "und" else "")
        out.append(replace(d, language=language or detect(d.text)))
    return out


__all__ = ["Document", "KINDS", "LANGUAGES", "Limits", "read", "read_bytes", "sniff"]
