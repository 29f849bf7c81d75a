"""Write the labelled duplicate set (labelled.csv) from name tables, a seed and hand-written cases.

Provenance: the spellings below were written by hand for this set, one row per name in the forms
a 1940 registry would meet — Polish, German, English, Russian (Cyrillic), Yiddish/Hebrew and
Japanese katakana — after the usual conventions of each (Polish "sz/cz/w/j", German "sch/tsch/w",
English "sh/ch/v/y", Russian GOST-style Cyrillic, Yiddish spelling with its digraphs, katakana as
a Japanese clerk would hear the name). No real register was used. `hard_cases.csv` holds cases
written one by one (twins, namesakes, day/month swaps, Hebrew forms of a different given name).

Each cluster is one person: a base record and one or two records of the same person in other
scripts (true pairs). Distractors are relatives and look-alikes that must not be offered:
siblings (same surname, other given name and birth date), twins (same surname and birth date,
other given name), namesakes (same names, other birth date: a cousin or grandparent), each
written in the same or another script. Clusters are split into `dev` (to calibrate) and
`heldout` (to report) by a hash of the cluster id, never by record.

    python benchmarks/evac_dups/make_set.py      # rewrites labelled.csv (seed 24)
"""

from __future__ import annotations

import csv
import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = ("pl", "de", "en", "ru", "he", "ja")

# surname in (pl, de, en, ru, he/yi, ja)
SURNAMES = [
    ("Szapiro", "Schapiro", "Shapiro", "Шапиро", "שפירא", "シャピロ"),
    ("Wajnberg", "Weinberg", "Weinberg", "Вайнберг", "ווינבערג", "ヴァインベルグ"),
    ("Grynberg", "Grünberg", "Greenberg", "Гринберг", "גרינבערג", "グリンベルグ"),
    ("Rozenblum", "Rosenblum", "Rosenbloom", "Розенблюм", "רויזנבלום", "ローゼンブルム"),
    ("Zylberman", "Silbermann", "Zilberman", "Зильберман", "זילבערמאן", "ジルベルマン"),
    ("Goldsztajn", "Goldstein", "Goldstein", "Гольдштейн", "גאלדשטיין", "ゴールドシュタイン"),
    ("Frydman", "Friedmann", "Friedman", "Фридман", "פרידמאן", "フリードマン"),
    ("Lipszyc", "Lipschitz", "Lipshitz", "Липшиц", "ליפשיץ", "リプシッツ"),
    ("Moskowicz", "Moskowitz", "Moskovitz", "Москович", "מאסקאוויטש", "モスコヴィッチ"),
    ("Rabinowicz", "Rabinowitsch", "Rabinowitz", "Рабинович", "ראבינאוויטש", "ラビノヴィッチ"),
    ("Horowic", "Horowitz", "Horowitz", "Горовиц", "הורוויץ", "ホロヴィッツ"),
    ("Sztern", "Stern", "Stern", "Штерн", "שטערן", "シュテルン"),
    (
        "Finkelsztajn",
        "Finkelstein",
        "Finkelstein",
        "Финкельштейн",
        "פינקלשטיין",
        "フィンケルシュタイン",
    ),
    ("Berkowicz", "Berkowitz", "Berkovitz", "Беркович", "בערקאוויטש", "ベルコヴィッチ"),
    ("Cukierman", "Zuckermann", "Zuckerman", "Цукерман", "צוקערמאן", "ツッカーマン"),
    ("Epsztejn", "Epstein", "Epstein", "Эпштейн", "עפשטיין", "エプシュタイン"),
    ("Kac", "Katz", "Katz", "Кац", "כץ", "カッツ"),
    ("Lewin", "Lewin", "Levin", "Левин", "לעווין", "レヴィン"),
    ("Waserman", "Wassermann", "Wasserman", "Вассерман", "וואסערמאן", "ヴァッサーマン"),
    ("Szwarc", "Schwarz", "Schwartz", "Шварц", "שווארץ", "シュヴァルツ"),
    ("Kaplan", "Kaplan", "Kaplan", "Каплан", "קאפלאן", "カプラン"),
    ("Perelman", "Perlmann", "Perelman", "Перельман", "פערעלמאן", "ペレルマン"),
    ("Wolfowicz", "Wolfowitz", "Wolfowitz", "Вольфович", "וואלפאוויטש", "ヴォルフォヴィッチ"),
    ("Halpern", "Halpern", "Halperin", "Гальперин", "האלפערן", "ハルペルン"),
    ("Blumenfeld", "Blumenfeld", "Bloomenfeld", "Блюменфельд", "בלומענפעלד", "ブルーメンフェルト"),
    ("Rubinsztejn", "Rubinstein", "Rubinstein", "Рубинштейн", "רובינשטיין", "ルビンシュタイン"),
    ("Zajdel", "Seidel", "Zeidel", "Зайдель", "זיידעל", "ザイデル"),
    ("Gutman", "Gutmann", "Gutman", "Гутман", "גוטמאן", "グートマン"),
    ("Szulman", "Schulmann", "Shulman", "Шульман", "שולמאן", "シュルマン"),
    ("Fajnsztajn", "Feinstein", "Feinstein", "Файнштейн", "פיינשטיין", "ファインシュタイン"),
    ("Kowalski", "Kowalski", "Kovalsky", "Ковальский", "קאוואלסקי", "コワルスキー"),
    ("Nowak", "Nowak", "Novak", "Новак", "נאוואק", "ノヴァク"),
    ("Lewkowicz", "Lewkowitz", "Levkovitz", "Левкович", "לעווקאוויטש", "レフコヴィッチ"),
    ("Sznajder", "Schneider", "Snyder", "Шнейдер", "שניידער", "シュナイダー"),
    ("Rotsztajn", "Rothstein", "Rothstein", "Ротштейн", "ראטשטיין", "ロートシュタイン"),
    ("Wajs", "Weiss", "Weiss", "Вайс", "ווייס", "ヴァイス"),
]

# given name in (pl, de, en, ru, he/yi, ja)
GIVEN = [
    ("Rachela", "Rachel", "Rachel", "Рахель", "רחל", "ラヘル"),
    ("Mojżesz", "Moses", "Moses", "Мойше", "משה", "モーシェ"),
    ("Chana", "Hanna", "Hannah", "Хана", "חנה", "ハンナ"),
    ("Dawid", "David", "David", "Давид", "דוד", "ダヴィド"),
    ("Icchok", "Itzchak", "Isaac", "Ицхок", "יצחק", "イツハク"),
    ("Ruchla", "Ruchel", "Rochel", "Рухля", "רוחל", "ルフラ"),
    ("Abram", "Abraham", "Abraham", "Абрам", "אברהם", "アブラハム"),
    ("Zofia", "Sophie", "Sophia", "Софья", "זאפיע", "ゾフィア"),
    ("Hersz", "Hirsch", "Hersh", "Герш", "הערש", "ヘルシュ"),
    ("Sara", "Sara", "Sarah", "Сара", "שרה", "サラ"),
    ("Józef", "Josef", "Joseph", "Иосиф", "יוסף", "ヨセフ"),
    ("Lejb", "Leib", "Leib", "Лейб", "לייב", "ライブ"),
    ("Estera", "Ester", "Esther", "Эстер", "אסתר", "エステル"),
    ("Szmul", "Schmul", "Shmuel", "Шмуль", "שמואל", "シュムエル"),
    ("Gitla", "Gitel", "Gittel", "Гитля", "גיטל", "ギテル"),
    ("Fajga", "Feige", "Faiga", "Фейга", "פייגע", "ファイガ"),
    ("Mendel", "Mendel", "Mendel", "Мендель", "מענדל", "メンデル"),
    ("Jakub", "Jakob", "Jacob", "Янкель", "יעקב", "ヤコブ"),
    ("Bluma", "Blume", "Bluma", "Блюма", "בלומע", "ブルーマ"),
    ("Perla", "Perl", "Pearl", "Перля", "פערל", "ペルラ"),
    ("Szlama", "Schlomo", "Shlomo", "Шлёма", "שלמה", "シュロモ"),
    ("Miriam", "Mirjam", "Miriam", "Мирьям", "מרים", "ミリアム"),
    ("Natan", "Nathan", "Nathan", "Натан", "נתן", "ナタン"),
    ("Chaim", "Chaim", "Haim", "Хаим", "חיים", "ハイム"),
    ("Dina", "Dina", "Dinah", "Дина", "דינה", "ディナ"),
    ("Eliasz", "Elias", "Elias", "Элиаш", "אליהו", "エリアス"),
    ("Salomea", "Salome", "Salome", "Саломея", "סאלאמע", "サロメ"),
    ("Berek", "Berek", "Berek", "Берек", "בערעק", "ベレク"),
    ("Golda", "Golde", "Golda", "Голда", "גאלדע", "ゴルダ"),
    ("Mordka", "Mordche", "Mordechai", "Мордух", "מרדכי", "モルデハイ"),
]

FIELDS = ("person_id", "cluster", "role", "script", "surname", "given_names", "birth_date", "split")


def split_of(cluster: str) -> str:
    h = int(hashlib.sha256(cluster.encode()).hexdigest()[:8], 16)
    return "heldout" if h % 10 < 4 else "dev"


def _born(rnd: random.Random) -> date:
    return date(1870, 1, 1) + timedelta(days=rnd.randrange(70 * 365))


def _slip(d: date, rnd: random.Random) -> date:
    """A clerk's slip in a true pair's birth date: day and month swapped, or a day off."""
    if d.day <= 12 and d.day != d.month and rnd.random() < 0.5:
        return date(d.year, d.day, d.month)
    return d + timedelta(days=rnd.choice([-1, 1]))


def generate(seed: int = 24, clusters: int = 330) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    rows: list[dict[str, str]] = []
    n = 0

    def add(cluster: str, role: str, script: str, s: tuple, g: tuple, born: date) -> None:
        nonlocal n
        n += 1
        i = SCRIPTS.index(script)
        rows.append(
            {
                "person_id": f"D{n:05d}",
                "cluster": cluster,
                "role": role,
                "script": script,
                "surname": s[i],
                "given_names": g[i],
                "birth_date": born.isoformat(),
                "split": split_of(cluster),
            }
        )

    for c in range(clusters):
        cid = f"C{c:04d}"
        s, g = rnd.choice(SURNAMES), rnd.choice(GIVEN)
        born = _born(rnd)
        base = rnd.choice(SCRIPTS)
        add(cid, "base", base, s, g, born)
        others = [x for x in SCRIPTS if x != base]
        for script in rnd.sample(others, 2 if rnd.random() < 0.15 else 1):
            add(cid, "same", script, s, g, _slip(born, rnd) if rnd.random() < 0.1 else born)
        # relatives and look-alikes (each its own cluster: never a true pair)
        r = rnd.random()
        other_g = rnd.choice([x for x in GIVEN if x != g])
        script = rnd.choice(SCRIPTS)
        if r < 0.3:  # sibling
            sib = born + timedelta(days=rnd.choice([-1, 1]) * rnd.randrange(400, 4000))
            add(f"{cid}-sib", "sibling", script, s, other_g, sib)
        elif r < 0.5:  # twin
            add(f"{cid}-twin", "twin", script, s, other_g, born)
        elif r < 0.75:  # namesake: cousin or grandparent
            gap = rnd.choice([rnd.randrange(365, 5 * 365), rnd.randrange(20 * 365, 60 * 365)])
            add(f"{cid}-name", "namesake", script, s, g, born - timedelta(days=gap))
        # else: no relative registered
    return rows


def read_hard(path: Path = HERE / "hard_cases.csv") -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["split"] = split_of(r["cluster"])
    return rows


def main() -> None:
    rows = generate() + read_hard()
    with (HERE / "labelled.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} records → {HERE / 'labelled.csv'}")


if __name__ == "__main__":
    main()
