"""A folder of open-source documents of every kind ingest reads, written by the tests themselves:
a Russian news text, an English page saved from a browser (menus and footer around the story), a
German RSS feed (dates in German), a Telegram channel export (text as a list of segments) and a
Russian PDF with a text layer — plus a small picture for them to be compiled into."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from liaison.orbat import observe
from liaison.orbat.partners import add_partner, add_source
from liaison.store import Store

T0 = datetime(2024, 2, 1, tzinfo=UTC)

NEWS_RU = (
    "Белгородские новости. 12 марта 2024 года колонны 1-й гвардейской танковой армии прошли "
    "через Белгород, сообщают жители. Техника разгружалась на станции весь день.\n"
)

PAGE_EN = """<!doctype html>
<html><head><title>Valuyki: troops arrive</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/about">About us</a></li></ul></nav>
<article>
<h1>Valuyki: troops arrive</h1>
<p>On 13 March 2024 elements of the 27th Motor Rifle Division were seen arriving in Valuyki by rail.
Residents counted dozens of flatcars with armoured vehicles at the station during the afternoon.</p>
<p>The regional administration declined to comment on the movement of the division.</p>
</article>
<footer>© 2024 Regional Courier. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>
"""

FEED_DE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Baltische Rundschau</title><link>https://example.invalid/</link><description>Nachrichten</description>
<language>de</language>
<item><title>Panzerarmee in Belgorod</title><link>https://example.invalid/1</link>
<guid>rundschau-1</guid><pubDate>Di, 12 Mär 2024 18:00:00 +0100</pubDate>
<description>Die 1. Garde-Panzerarmee wurde am 12. März 2024 in Belgorod gesehen. Augenzeugen berichten von langen Kolonnen.</description></item>
<item><title>Stab in Pskow</title><link>https://example.invalid/2</link>
<guid>rundschau-2</guid><pubDate>Do, 14 Mär 2024 09:00:00 +0100</pubDate>
<description>Der Stab der 6. Armee wurde am 14. März 2024 nach Pskow verlegt, meldet die Zeitung.</description></item>
</channel></rss>
"""

TELEGRAM = {
    "name": "Белгород сейчас",
    "type": "public_channel",
    "id": 1001,
    "messages": [
        {
            "id": 1,
            "type": "message",
            "date": "2024-03-12T20:15:00",
            "text": [
                "Колонна ",
                {"type": "bold", "text": "1-й гвардейской танковой армии"},
                " снова в Белгороде, 12 марта 2024 года. Видео от подписчиков.",
            ],
        },
        {"id": 2, "type": "service", "date": "2024-03-12T20:16:00", "action": "pin_message"},
        {
            "id": 3,
            "type": "message",
            "date": "2024-03-13T08:00:00",
            "text": "Доброе утро! Погода сегодня солнечная.",
        },
    ],
}

PDF_RU = "Обзор за неделю. 14 марта 2024 года штаб 6-й армии переместился в Псков."


def write_pdf(path: Path, text: str) -> None:
    import matplotlib
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont("TestSans", str(font)))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("TestSans", 11)
    c.drawString(50, 800, text)
    c.showPage()
    c.save()


def make_folder(root: Path) -> dict[str, Path]:
    """Write the documents, one folder per source; returns source codename → folder."""
    news, feed, chan, pdf = (root / n for n in ("news", "feed", "channel", "pdf"))
    for d in (news, feed, chan, pdf):
        d.mkdir(parents=True, exist_ok=True)
    (news / "belgorod.txt").write_text(NEWS_RU, "utf-8")
    (news / "valuyki.html").write_text(PAGE_EN, "utf-8")
    (feed / "rundschau.xml").write_text(FEED_DE, "utf-8")
    (chan / "result.json").write_text(json.dumps(TELEGRAM, ensure_ascii=False), "utf-8")
    write_pdf(pdf / "weekly.pdf", PDF_RU)
    return {"NEWS": news, "RUNDSCHAU": feed, "KANAL": chan, "WEEKLY": pdf}


def build_picture(store: Store) -> None:
    """PL is us; its picture holds the tank army (at Kharkiv) and the motor rifle division."""
    with store.begin() as conn:
        add_partner(conn, "PL", "Poland", is_self=True, language="pl")
        add_source(conn, "PL", "NEWS", "OSINT", "B")
        add_source(conn, "PL", "RUNDSCHAU", "OSINT", "C")
        add_source(conn, "PL", "KANAL", "OSINT", "E")
        add_source(conn, "PL", "WEEKLY", "OSINT", "C")
        observe.record(
            conn, "PL", "pl-1", valid_at=T0, designation="1 Gwardyjska Armia Pancerna",
            echelon="army", branch="armour", lat=49.99, lon=36.23, place="Charków",
        )  # fmt: skip
        observe.record(
            conn, "PL", "pl-2", valid_at=T0, designation="27 Dywizja Zmotoryzowana",
            echelon="division", branch="motorised", lat=54.63, lon=39.74, place="Riazań",
        )  # fmt: skip
