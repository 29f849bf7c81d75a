"""One reader per kind of file; each turns bytes into documents or raises OsintInputError.

Readers leave `language` as "und" unless the file itself says (a feed's <language>);
documents.read_bytes() detects it from the text afterwards.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import rfc8785

from liaison.core.errors import OsintInputError
from liaison.osint.documents import Document, Limits, sha256_hex

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """NFC, no control characters, Unix newlines, no trailing spaces: offsets stay meaningful."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).replace("\u00ad", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def decode(data: bytes, where: str, declared: str | None = None) -> str:
    """Bytes → text: a BOM, then what the file declares, then UTF-8, then the detector's guess
    (legacy Cyrillic cp1251/koi8-r and Central European cp1250/iso-8859-2 are common)."""
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                raise OsintInputError(f"{where}: broken {enc} at byte {exc.start}") from None
    if b"\x00" in data[:65536]:
        raise OsintInputError(f"{where}: binary data (NUL bytes), not text")
    if declared:
        try:
            return data.decode(declared.decode("ascii", "replace").strip().lower())
        except (LookupError, UnicodeDecodeError):
            pass  # the declaration lied; fall through to what the bytes say
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None:
        raise OsintInputError(f"{where}: not text in any encoding recognised")
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        raise OsintInputError(f"{where}: not text in any encoding recognised") from None


def _doc(
    where: str,
    sha: str,
    kind: str,
    text: str,
    title: str | None = None,
    published: datetime | None = None,
    language: str = "und",
) -> Document:
    return Document(
        id=sha,
        path=where,
        sha256=sha,
        kind=kind,
        title=(title or "").strip() or None,
        published=published,
        language=language,
        text=text,
    )


# ---- plain text ---------------------------------------------------------------------------------
def read_text(data: bytes, where: str, sha: str, lim: Limits) -> list[Document]:
    text = clean(decode(data, where))
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    return [_doc(where, sha, "text", text, first[:200] if len(first) <= 200 else None)]


# ---- HTML saved from a browser ------------------------------------------------------------------
def html_to_text(markup: str) -> str:
    """All visible text of an HTML fragment (a feed item's body), blocks on their own lines."""
    import lxml.html
    from lxml import etree

    if not markup.strip():
        return ""
    if "<" not in markup:
        return clean(_unescape(markup))
    try:
        root = lxml.html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return clean(_unescape(re.sub(r"<[^>]*>", " ", markup)))
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.xpath("//p|//div|//li|//h1|//h2|//h3|//h4|//tr|//blockquote"):
        block.tail = "\n" + (block.tail or "")
    text = root.text_content()
    return clean(re.sub(r"[ \t\u00a0]+", " ", text))


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


def read_html(data: bytes, where: str, sha: str, lim: Limits) -> list[Document]:
    import trafilatura

    m = _META_CHARSET.search(data[:8192])
    markup = decode(data, where, m.group(1) if m else None)
    if not re.search(r"<\s*(html|body|p|div|article|head)\b", markup[:200_000], re.I):
        raise OsintInputError(f"{where}: not an HTML page (no html, body or block elements)")
    try:
        res = trafilatura.bare_extraction(
            markup,
            url=where if where.startswith(("http://", "https://")) else None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, RecursionError) as exc:  # a pathological tree
        raise OsintInputError(f"{where}: HTML could not be parsed ({exc})") from None
    text = clean(getattr(res, "text", None) or "") if res is not None else ""
    title = getattr(res, "title", None) if res is not None else None
    date = getattr(res, "date", None) if res is not None else None
    if not text:
        # No article found (a bare list page): keep its visible text rather than nothing.
        text = html_to_text(markup)
    published = None
    if date:
        try:
            published = datetime.fromisoformat(str(date)).replace(tzinfo=UTC)
        except ValueError:
            published = None
    lang = None
    lm = re.search(r"<html[^>]{0,300}?\blang\s*=\s*[\"']?([A-Za-z]{2})", markup[:5000], re.I)
    if lm:
        lang = lm.group(1).lower()
    from liaison.osint.documents import LANGUAGES

    return [
        _doc(
            where,
            sha,
            "html",
            text,
            title,
            published,
            lang if lang in LANGUAGES else "und",
        )
    ]


# ---- PDF text layer -------------------------------------------------------------------------------
def read_pdf(data: bytes, where: str, sha: str, lim: Limits) -> list[Document]:
    import pypdfium2 as pdfium

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise OsintInputError(f"{where}: not a PDF (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise OsintInputError(f"{where}: broken or encrypted PDF ({exc})") from None
    try:
        n = len(pdf)
        if n > lim.pdf_pages:
            raise OsintInputError(f"{where}: {n} pages, over the cap of {lim.pdf_pages}; not read")
        pages: list[str] = []
        total = 0
        for i in range(n):
            page = pdf[i]
            try:
                tp = page.get_textpage()
                try:
                    t = tp.get_text_bounded()
                finally:
                    tp.close()
            except pdfium.PdfiumError as exc:
                raise OsintInputError(f"{where}: page {i + 1} unreadable ({exc})") from None
            finally:
                page.close()
            total += len(t)
            if total > lim.text_chars:
                raise OsintInputError(
                    f"{where}: more than {lim.text_chars} characters of text by page {i + 1}; not read"
                )
            pages.append(clean(t))
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    text = "\n\n".join(p for p in pages if p)
    published = _pdf_date(meta.get("CreationDate", ""))
    return [_doc(where, sha, "pdf", text, meta.get("Title"), published)]


def _pdf_date(s: str) -> datetime | None:
    """PDF dates look like D:20240312101500+03'00'."""
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+\-])?(\d{2})?'?(\d{2})?", s)
    if not m:
        return None
    y, mo, d, h, mi, se = (
        int(g) if g else dflt for g, dflt in zip(m.groups()[:6], (0, 1, 1, 0, 0, 0), strict=True)
    )
    try:
        dt = datetime(y, mo, d, h, mi, se, tzinfo=UTC)
    except ValueError:
        return None
    if m.group(7) in ("+", "-") and m.group(8):
        from datetime import timedelta

        off = timedelta(hours=int(m.group(8)), minutes=int(m.group(9) or 0))
        dt = dt - off if m.group(7) == "+" else dt + off
    return dt


# ---- RSS / Atom ------------------------------------------------------------------------------------
def _item_sha(obj: dict[str, Any]) -> str:
    """A feed item or channel message is identified by canonical JSON of what it says, so a later
    export of the same feed or channel gives the same ids for the same items."""
    return sha256_hex(rfc8785.dumps(obj))


def read_feed(data: bytes, where: str, sha: str, lim: Limits) -> list[Document]:
    import feedparser

    from liaison.osint.dates import parse_published

    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        raise OsintInputError(f"{where}: not an RSS/Atom feed (not XML: starts {head[:20]!r})")
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    exc = parsed.get("bozo_exception")
    if not parsed.get("version"):
        detail = f" ({_xml_error(exc)})" if exc is not None else ""
        raise OsintInputError(f"{where}: not an RSS/Atom feed{detail}")
    if exc is not None and not isinstance(exc, _benign_feed_errors()):
        raise OsintInputError(f"{where}: broken feed XML, {_xml_error(exc)}; not read")
    feed_lang = (parsed.feed.get("language") or "").split("-")[0].lower()
    from liaison.osint.documents import LANGUAGES

    feed_lang = feed_lang if feed_lang in LANGUAGES else "und"
    feed_key = parsed.feed.get("link") or parsed.feed.get("id") or parsed.feed.get("title") or ""
    out: list[Document] = []
    for n, e in enumerate(parsed.entries, 1):
        if n > lim.items:
            raise OsintInputError(f"{where}: more than {lim.items} items; not read")
        title = _strip(e.get("title") or "")
        body = ""
        if e.get("content"):
            body = "\n\n".join(html_to_text(c.get("value") or "") for c in e["content"])
        if not body:
            body = html_to_text(e.get("summary") or e.get("description") or "")
        text = clean(
            f"{title}\n\n{body}"
            if title and body and not body.startswith(title)
            else (body or title)
        )
        raw_date = e.get("published") or e.get("updated") or e.get("dc_date") or ""
        item_lang = feed_lang
        published = parse_published(raw_date, item_lang if item_lang != "und" else None, text)
        item_id = e.get("id") or e.get("guid") or e.get("link") or f"item-{n}"
        isha = _item_sha(
            {"feed": feed_key, "id": item_id, "title": title, "date": raw_date, "text": text}
        )
        out.append(_doc(f"{where}#{item_id}", isha, "feed", text, title, published, item_lang))
    return out


def _strip(s: str) -> str:
    return html_to_text(s) if "<" in s or "&" in s else s.strip()


def _benign_feed_errors() -> tuple[type, ...]:
    import feedparser

    return (
        feedparser.CharacterEncodingOverride,
        feedparser.NonXMLContentType,
    )


def _xml_error(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    line = getattr(exc, "getLineNumber", None)
    if callable(line):
        try:
            return f"line {line()}: {exc.getMessage()}"  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - sax exceptions vary
            pass
    return str(exc)[:200]


# ---- Telegram channel export (Telegram Desktop's result.json) ----------------------------------------
def _segments_text(value: Any, where: str) -> str:
    """`text` is a string or a list of strings and entity objects ({"type", "text", ...})."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise OsintInputError(f"{where}: 'text' is {type(value).__name__}, not a string or list")
    parts: list[str] = []
    for i, seg in enumerate(value):
        if isinstance(seg, str):
            parts.append(seg)
        elif isinstance(seg, dict) and isinstance(seg.get("text"), str):
            parts.append(seg["text"])
        else:
            shown = json.dumps(seg, ensure_ascii=False)[:80]
            raise OsintInputError(f"{where}: text entity {i} is broken ({shown}); not read")
    return "".join(parts)


def _message_time(m: dict[str, Any], where: str) -> datetime | None:
    ts = m.get("date_unixtime")
    if ts is not None:
        try:
            return datetime.fromtimestamp(int(ts), UTC)
        except (ValueError, OverflowError, OSError):
            raise OsintInputError(f"{where}: date_unixtime {ts!r} is not a time") from None
    raw = m.get("date")
    if raw is None:
        return None
    try:
        dt = datetime.fromisoformat(str(raw))
    except ValueError:
        raise OsintInputError(f"{where}: date {raw!r} is not ISO 8601") from None
    # Telegram Desktop writes local time without an offset; without date_unixtime UTC is a guess.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def read_telegram(data: bytes, where: str, sha: str, lim: Limits) -> list[Document]:
    try:
        obj = json.loads(decode(data, where))
    except json.JSONDecodeError as exc:
        raise OsintInputError(
            f"{where}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise OsintInputError(f"{where}: JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise OsintInputError(f"{where}: not a Telegram export (top level is not an object)")
    chats: list[dict[str, Any]]
    if isinstance(obj.get("messages"), list):
        chats = [obj]
    elif isinstance(obj.get("chats"), dict) and isinstance(obj["chats"].get("list"), list):
        chats = [c for c in obj["chats"]["list"] if isinstance(c, dict)]
    else:
        raise OsintInputError(f"{where}: not a Telegram export (no 'messages' list)")
    out: list[Document] = []
    for chat in chats:
        msgs = chat.get("messages")
        if not isinstance(msgs, list):
            raise OsintInputError(f"{where}: chat {chat.get('id')!r} has no 'messages' list")
        channel = str(chat.get("id") or chat.get("name") or "")
        for j, m in enumerate(msgs):
            if not isinstance(m, dict):
                raise OsintInputError(f"{where}: message {j} is not an object")
            if m.get("type", "message") != "message":
                continue  # service messages (pinned, joined…) carry no report
            mid = m.get("id")
            if not isinstance(mid, int | str) or isinstance(mid, bool):
                raise OsintInputError(f"{where}: message {j} has no id")
            here = f"{where}#{mid}"
            text = clean(_segments_text(m.get("text", ""), f"{where}: message {mid}"))
            if not text.strip():
                continue
            if len(out) >= lim.items:
                raise OsintInputError(f"{where}: more than {lim.items} messages; not read")
            published = _message_time(m, f"{where}: message {mid}")
            isha = _item_sha({"channel": channel, "id": mid, "date": m.get("date"), "text": text})
            title = chat.get("name") if isinstance(chat.get("name"), str) else None
            out.append(_doc(here, isha, "telegram", text, title, published))
    return out


READERS: dict[str, Callable[[bytes, str, str, Limits], list[Document]]] = {
    "text": read_text,
    "html": read_html,
    "pdf": read_pdf,
    "feed": read_feed,
    "telegram": read_telegram,
}
