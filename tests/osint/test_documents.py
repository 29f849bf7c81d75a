"""Reading documents: every format the issue names, and every way a file can be bad — a clear
OsintInputError naming the file (and line, item or message), nothing partial returned."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from liaison.core.errors import LiaisonError, OsintInputError
from liaison.osint.documents import Limits, read


def test_plain_text_in_a_legacy_cyrillic_encoding(tmp_path: Path) -> None:
    text = "Сводка\n\nШтаб 27-й стрелковой дивизии переместился под Белгород."
    p = tmp_path / "report.txt"
    p.write_bytes(text.encode("cp1251"))
    (d,) = read(p)
    assert d.text == text and d.kind == "text" and d.language == "ru"
    assert d.id == d.sha256 and len(d.id) == 64 and d.title == "Сводка"
    assert read(p)[0].id == d.id  # stable: the same bytes, the same id


def test_language_is_detected_offline_and_can_be_fixed(tmp_path: Path) -> None:
    samples = {
        "uk": "Воїни бригади продовжують утримувати позиції на околицях міста, повідомляє штаб.",
        "pl": "Żołnierze dywizji zakończyli ćwiczenia na poligonie w Orzyszu w piątek wieczorem.",
        "de": "Die Soldaten der Brigade haben die Übung auf dem Truppenübungsplatz beendet.",
        "en": "Soldiers of the brigade finished the exercise at the training ground on Friday.",
    }
    for lang, text in samples.items():
        p = tmp_path / f"{lang}.txt"
        p.write_text(text, encoding="utf-8")
        assert read(p)[0].language == lang
    assert read(tmp_path / "de.txt", lang="pl")[0].language == "pl"
    with pytest.raises(OsintInputError, match="--lang"):
        read(tmp_path / "de.txt", lang="fr")


PAGE = """<!DOCTYPE html><html lang="ru"><head><meta charset="windows-1251">
<title>Учения под Воронежем</title>
<meta property="article:published_time" content="2021-04-10T08:00:00+03:00"></head>
<body><nav><a href="/">Главная</a> <a href="/army">Армия</a> <a href="/sport">Спорт</a></nav>
<aside>Читайте также: 3-я гвардейская танковая армия получила новые танки.</aside>
<article><h1>Учения под Воронежем</h1>
<p>На полигоне Погоново в Воронежской области проходят учения соединений 20-й гвардейской
общевойсковой армии. В них участвуют подразделения 3-й мотострелковой дивизии из Богучара.</p>
<p>Командование Западного военного округа сообщило, что марш прошёл без происшествий,
а личный состав показал высокую выучку при совершении марша на большое расстояние.</p></article>
<footer>© 2021 Редакция. Все права защищены.</footer></body></html>"""


def test_a_saved_page_keeps_the_article_and_drops_the_boilerplate(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_bytes(PAGE.encode("cp1251"))
    (d,) = read(p, origin="https://example.org/news/1")
    assert d.kind == "html" and d.path == "https://example.org/news/1"
    assert "20-й гвардейской" in d.text and "3-й мотострелковой дивизии" in d.text
    assert "3-я гвардейская танковая армия" not in d.text  # the sidebar's link
    assert "Все права защищены" not in d.text and "Спорт" not in d.text
    assert d.title == "Учения под Воронежем"
    assert d.published is not None and d.published.date().isoformat() == "2021-04-10"


def test_a_pdf_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    p = tmp_path / "report.pdf"
    c = canvas.Canvas(str(p))
    c.setTitle("Situation report")
    c.drawString(72, 720, "The 1st Guards Tank Army moved near Kharkiv on 12 March 1943.")
    c.showPage()
    c.drawString(72, 720, "The 27th Rifle Division held Kursk.")
    c.save()
    (d,) = read(p)
    assert d.kind == "pdf" and d.title == "Situation report" and d.language == "en"
    assert "1st Guards Tank Army" in d.text and "27th Rifle Division" in d.text
    with pytest.raises(OsintInputError, match="2 pages, over the cap of 1"):
        read(p, limits=Limits(pdf_pages=1))
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"garbage" * 100)
    with pytest.raises(OsintInputError, match="broken.pdf: broken or encrypted PDF"):
        read(bad)


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Новости</title><link>https://example.org</link>
<language>ru</language>
<item><title>Учения в ЗВО</title><guid>a1</guid><pubDate>Ср, 14 июн 2023 10:00:00 +0300</pubDate>
<description>&lt;p&gt;Подразделения 58-й общевойсковой армии отразили атаки.&lt;/p&gt;</description></item>
<item><title>Вторая новость</title><guid>a2</guid><pubDate>15 июня 2023</pubDate>
<description>Ничего важного.</description></item>
</channel></rss>"""


def test_a_feed_gives_one_document_per_item_with_dates_in_its_language(tmp_path: Path) -> None:
    p = tmp_path / "news.rss"
    p.write_text(FEED, encoding="utf-8")
    a, b = read(p)
    assert a.kind == "feed" and a.path == f"{p}#a1" and a.title == "Учения в ЗВО"
    assert a.text.startswith("Учения в ЗВО\n\nПодразделения 58-й")
    assert a.published == datetime(2023, 6, 14, 7, 0, tzinfo=UTC)  # feedparser alone: None
    assert b.published is not None and b.published.date().isoformat() == "2023-06-15"
    assert a.id != b.id and len({a.id, b.id, a.sha256}) == 2
    # the same item in a later export of the feed keeps its id
    p2 = tmp_path / "news2.rss"
    p2.write_text(FEED.replace("<item><title>Вторая", "<item><title>Третья"), encoding="utf-8")
    assert read(p2)[0].id == a.id


def test_a_feed_that_is_not_xml(tmp_path: Path) -> None:
    p = tmp_path / "feed.rss"
    p.write_text("this is not a feed, just text", encoding="utf-8")
    with pytest.raises(OsintInputError, match="feed.rss: not an RSS/Atom feed"):
        read(p)
    p.write_text("<rss version='2.0'><channel><item><title>x</title></item>", encoding="utf-8")
    with pytest.raises(OsintInputError, match="feed.rss: broken feed XML, line"):
        read(p)


def _telegram(messages: list[object]) -> str:
    return json.dumps(
        {"name": "Канал", "type": "public_channel", "id": 42, "messages": messages},
        ensure_ascii=False,
    )


def test_a_telegram_export_with_text_as_string_and_as_segments(tmp_path: Path) -> None:
    p = tmp_path / "result.json"
    p.write_text(
        _telegram(
            [
                {"id": 1, "type": "service", "date": "2024-06-20T10:00:00", "action": "pin"},
                {
                    "id": 2,
                    "type": "message",
                    "date": "2024-06-20T12:00:00",
                    "date_unixtime": "1718874000",
                    "text": [
                        "⚡️",
                        {"type": "bold", "text": "83-я гв. одшбр"},
                        " закрепилась в Волчанске.",
                    ],
                },
                {
                    "id": 3,
                    "type": "message",
                    "date": "2024-06-21T09:00:00",
                    "text": "Под Липцами 272-й мсп.",
                },
                {"id": 4, "type": "message", "date": "2024-06-21T09:30:00", "text": ""},
            ]
        ),
        encoding="utf-8",
    )
    a, b = read(p)
    assert a.kind == "telegram" and a.path == f"{p}#2" and a.title == "Канал"
    assert a.text == "⚡️83-я гв. одшбр закрепилась в Волчанске."
    assert a.published == datetime(2024, 6, 20, 9, 0, tzinfo=UTC)
    assert b.published == datetime(2024, 6, 21, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON \\(line 1, column 2"),
        ('{"name": "x"}', "no 'messages' list"),
        ("[1, 2]", "top level is not an object"),
        (
            _telegram([{"id": 7, "type": "message", "text": ["a", {"type": "bold"}]}]),
            "message 7: text entity 1 is broken",
        ),
        (_telegram([{"id": 8, "type": "message", "text": 5}]), "message 8: 'text' is int"),
        (
            _telegram([{"id": 9, "type": "message", "text": "x", "date_unixtime": "soon"}]),
            "date_unixtime 'soon' is not a time",
        ),
    ],
)
def test_a_broken_telegram_export_is_refused_whole(
    tmp_path: Path, content: str, message: str
) -> None:
    p = tmp_path / "result.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(OsintInputError, match=message):
        read(p)


def test_caps_refuse_huge_files_before_reading_and_zip_bombs_while_inflating(
    tmp_path: Path,
) -> None:
    big = tmp_path / "huge.pdf"
    with big.open("wb") as f:  # sparse: a "2 GB" PDF costs nothing to make
        f.seek(2 * 2**30)
        f.write(b"\0")
    with pytest.raises(OsintInputError, match="huge.pdf: 2048 MB is over the 256 MB cap"):
        read(big)
    bomb = tmp_path / "page.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body>" + b"<p>a</p>" * 3_000_000))
    with pytest.raises(OsintInputError, match="page.html.gz: expands past 1 MB when decompressed"):
        read(bomb, limits=Limits(*([2**20] * 5)))
    ok = tmp_path / "note.txt.gz"
    ok.write_bytes(gzip.compress("27-я стрелковая дивизия".encode()))
    assert read(ok)[0].text == "27-я стрелковая дивизия"
    assert issubclass(OsintInputError, LiaisonError)


def test_missing_binary_and_empty_inputs(tmp_path: Path) -> None:
    with pytest.raises(OsintInputError, match="nope.txt: no such file"):
        read(tmp_path / "nope.txt")
    b = tmp_path / "blob.txt"
    b.write_bytes(b"abc\x00\x01\x02" * 100)
    with pytest.raises(OsintInputError, match="binary data"):
        read(b)
    e = tmp_path / "empty.txt"
    e.write_bytes(b"")
    (d,) = read(e)
    assert d.text == "" and d.language == "und"
