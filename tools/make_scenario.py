"""Generate the demo scenario: PL's and JP's pictures of Soviet forces around 1938, with planted
disagreements, and truth.json (the true crosswalk and every planted discrepancy).

ILLUSTRATIVE, NOT A HISTORICAL RECORD: formations, numbers, holdings and locations are plausible
for 1938 but were made up for demonstration and testing. Deterministic (seeded): running it twice
writes the same bytes.

One ground-truth list (fronts and districts down to regiments, ground and air) is rendered twice:
into Polish for PL (Polish General Staff, 2nd Department; ids PL-0001…) and into Japanese for JP
(Imperial Japanese Army General Staff, 2nd Bureau; ids J0101…, numbered in JP's own order), with a
few kilometres of position noise, each side's own dates and gradings, and the planted differences.

    .venv/bin/python tools/make_scenario.py [OUT_DIR]   # default: src/liaison/data/scenario/
"""

from __future__ import annotations

import csv
import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from liaison.names import format_designation, parse_designation
from liaison.names.vocab import AVIATION
from liaison.orbat.csvio import COLUMNS
from liaison.orbat.symbology import derive_sidc

OUT = (
    Path(sys.argv[1])
    if len(sys.argv) > 1
    else Path(__file__).resolve().parents[1] / "src/liaison/data/scenario"
)
SEED = 19381
NOTE = "ILLUSTRATIVE demo scenario, not a historical record (tools/make_scenario.py)"

# town: (Polish, katakana, lat, lon)
TOWNS: dict[str, tuple[str, str, float, float]] = {
    # Far East
    "Khabarovsk": ("Chabarowsk", "ハバロフスク", 48.48, 135.08),
    "Voroshilov": ("Woroszyłow", "ヴォロシーロフ", 43.80, 131.95),
    "Vladivostok": ("Władywostok", "ウラジオストク", 43.12, 131.89),
    "Spassk-Dalny": ("Spassk Dalni", "スパスク・ダリニー", 44.60, 132.82),
    "Grodekovo": ("Grodekowo", "グロデコヴォ", 44.40, 131.38),
    "Posyet": ("Posjet", "ポシエット", 42.65, 130.80),
    "Kraskino": ("Kraskino", "クラスキノ", 42.71, 130.78),
    "Slavyanka": ("Sławianka", "スラヴャンカ", 42.86, 131.38),
    "Razdolnoye": ("Razdolnoje", "ラズドリノエ", 43.54, 131.91),
    "Barabash": ("Barabasz", "バラバシ", 43.19, 131.49),
    "Manzovka": ("Manzowka", "マンゾフカ", 44.16, 132.42),
    "Iman": ("Iman", "イマン", 45.93, 133.73),
    "Bikin": ("Bikin", "ビキン", 46.82, 134.25),
    "Blagoveshchensk": ("Błagowieszczeńsk", "ブラゴヴェシチェンスク", 50.27, 127.53),
    "Kuibyshevka": ("Kujbyszewka Wschodnia", "クイブイシェフカ", 50.93, 128.47),
    "Birobidzhan": ("Birobidżan", "ビロビジャン", 48.79, 132.92),
    "Svobodny": ("Swobodny", "スヴォボードヌイ", 51.38, 128.13),
    "Komsomolsk-on-Amur": ("Komsomolsk nad Amurem", "コムソモリスク・ナ・アムーレ", 50.55, 137.01),
    "Nikolayevsk-on-Amur": ("Nikołajewsk nad Amurem", "ニコラエフスク", 53.14, 140.73),
    # Transbaikal and Mongolia
    "Chita": ("Czyta", "チタ", 52.03, 113.50),
    "Borzya": ("Borzia", "ボルジャ", 50.39, 116.53),
    "Dauria": ("Dauria", "ダウリヤ", 49.93, 116.87),
    "Olovyannaya": ("Ołowiannaja", "オロヴャンナヤ", 50.95, 115.58),
    "Ulan-Ude": ("Ułan Ude", "ウラン・ウデ", 51.83, 107.61),
    "Ulan Bator": ("Ułan Bator", "ウランバートル", 47.91, 106.88),
    "Undurkhan": ("Undur Chan", "ウンドゥルハン", 47.32, 110.66),
    "Bayan Tumen": ("Bajan Tumen", "バヤントゥメン", 48.07, 114.53),
    "Tamsag Bulag": ("Tamsag Bułag", "タムスクブラク", 47.23, 117.25),
    # Belorussian Special Military District
    "Smolensk": ("Smoleńsk", "スモレンスク", 54.78, 32.05),
    "Minsk": ("Mińsk", "ミンスク", 53.90, 27.56),
    "Vitebsk": ("Witebsk", "ヴィテブスク", 55.19, 30.20),
    "Polotsk": ("Połock", "ポロツク", 55.49, 28.79),
    "Orsha": ("Orsza", "オルシャ", 54.51, 30.43),
    "Bobruisk": ("Bobrujsk", "ボブルイスク", 53.14, 29.22),
    "Mogilev": ("Mohylew", "モギリョフ", 53.91, 30.34),
    "Gomel": ("Homel", "ゴメリ", 52.43, 30.99),
    "Mozyr": ("Mozyrz", "モズィリ", 52.05, 29.25),
    "Slutsk": ("Słuck", "スルツク", 53.03, 27.56),
    "Borisov": ("Borysów", "ボリソフ", 54.23, 28.51),
    "Lepel": ("Lepel", "レペリ", 54.88, 28.69),
    # Kiev Special Military District
    "Kiev": ("Kijów", "キエフ", 50.45, 30.52),
    "Zhitomir": ("Żytomierz", "ジトーミル", 50.25, 28.66),
    "Novograd-Volynsky": ("Nowogród Wołyński", "ノヴォグラード・ヴォルィンスキー", 50.59, 27.62),
    "Vinnitsa": ("Winnica", "ヴィンニツァ", 49.23, 28.47),
    "Proskurov": ("Płoskirów", "プロスクーロフ", 49.42, 26.99),
    "Shepetovka": ("Szepetówka", "シェペトフカ", 50.18, 27.06),
    "Berdichev": ("Berdyczów", "ベルディチェフ", 49.90, 28.59),
    "Kamenets-Podolsky": ("Kamieniec Podolski", "カメネツ・ポドリスキー", 48.68, 26.58),
    "Belaya Tserkov": ("Biała Cerkiew", "ベーラヤ・ツェールコフ", 49.80, 30.11),
    "Uman": ("Humań", "ウマニ", 48.75, 30.22),
    "Chernigov": ("Czernihów", "チェルニゴフ", 51.49, 31.29),
    # Leningrad Military District
    "Leningrad": ("Leningrad", "レニングラード", 59.94, 30.31),
    "Pskov": ("Psków", "プスコフ", 57.82, 28.33),
    "Novgorod": ("Nowogród Wielki", "ノヴゴロド", 58.52, 31.27),
    "Kingisepp": ("Kingisepp", "キンギセップ", 59.37, 28.61),
    "Petrozavodsk": ("Pietrozawodsk", "ペトロザヴォーツク", 61.79, 34.36),
}

# Named formations rendered by hand (Polish, Japanese): districts read better as districts, and
# the army groups of 1938 have no number for the designation parser to hold on to.
NAMED: dict[str, tuple[str, str]] = {
    "FEF": ("Dalekowschodni Front Czerwonego Sztandaru", "極東赤旗方面軍"),
    "ZAB": ("Zabajkalski Okręg Wojskowy", "ザバイカル軍管区"),
    "BSMD": ("Białoruski Specjalny Okręg Wojskowy", "白ロシア特別軍管区"),
    "KSMD": ("Kijowski Specjalny Okręg Wojskowy", "キエフ特別軍管区"),
    "LMD": ("Leningradzki Okręg Wojskowy", "レニングラード軍管区"),
    "AGV": ("Witebska Grupa Armijna", "ヴィテブスク軍集団"),
    "AGB": ("Bobrujska Grupa Armijna", "ボブルイスク軍集団"),
    "AGZ": ("Żytomierska Grupa Armijna", "ジトーミル軍集団"),
    "AGW": ("Winnicka Grupa Armijna", "ヴィンニツァ軍集団"),
}
# When the observations were true, by region: (month, first day, last day) in 1938. All before
# 1 July 1938, so a report dated 1 July is news (tests/reconcile records one).
REGION_DATES = {"far_east": (6, 14, 28), "transbaikal": (6, 6, 20), "west": (5, 18, 31)}


@dataclass
class Unit:
    tid: str
    number: int | None
    echelon: str
    branch: str | None
    town: str
    parent: str | None
    region: str
    honorifics: tuple[str, ...] = ()
    equipment: dict[str, int] = field(default_factory=dict)
    strength: int | None = None


truth: list[Unit] = []
_region = "far_east"


def unit(
    tid: str,
    number: int | None,
    echelon: str,
    branch: str | None,
    town: str,
    parent: str | None,
    honorifics: tuple[str, ...] = (),
) -> str:
    assert town in TOWNS, town
    assert tid not in {u.tid for u in truth}, tid
    truth.append(Unit(tid, number, echelon, branch, town, parent, _region, honorifics))
    return tid


def rifle_division(tid: str, num: int, town: str, parent: str, *, regiments: bool) -> None:
    """A rifle division; with its three rifle regiments (3n-2…3n) and artillery regiment (n)."""
    unit(tid, num, "division", "infantry", town, parent)
    if regiments:
        for i, reg in enumerate((3 * num - 2, 3 * num - 1, 3 * num)):
            unit(f"{tid}-r{i + 1}", reg, "regiment", "infantry", town, tid)
        unit(f"{tid}-ap", num, "regiment", "artillery", town, tid)


# ---- Far Eastern Red Banner Front ----------------------------------------------------------------
_region = "far_east"
unit("FEF", None, "front", None, "Khabarovsk", None, ("red_banner",))
unit("A1", 1, "army", None, "Voroshilov", "FEF", ("red_banner",))
unit("A2", 2, "army", None, "Khabarovsk", "FEF", ("red_banner",))
unit("RC39", 39, "corps", "infantry", "Spassk-Dalny", "A1")
unit("RC18", 18, "corps", "infantry", "Khabarovsk", "A2")
for num, town, parent in [
    (32, "Razdolnoye", "RC39"),
    (40, "Kraskino", "RC39"),
    (26, "Grodekovo", "A1"),
    (39, "Barabash", "A1"),
    (105, "Grodekovo", "A1"),
    (21, "Spassk-Dalny", "RC39"),
]:
    rifle_division(f"RD{num}", num, town, parent, regiments=True)
for num, town, parent in [
    (2, "Blagoveshchensk", "A2"),
    (3, "Birobidzhan", "RC18"),
    (12, "Kuibyshevka", "A2"),
    (34, "Bikin", "RC18"),
    (35, "Iman", "RC18"),
]:
    rifle_division(f"RD{num}", num, town, parent, regiments=True)
rifle_division("RD66", 66, "Voroshilov", "A1", regiments=False)
rifle_division("RD92", 92, "Manzovka", "A1", regiments=False)
rifle_division("RD69", 69, "Komsomolsk-on-Amur", "A2", regiments=False)
unit("CD8", 8, "division", "cavalry", "Voroshilov", "A1")
unit("CD31", 31, "division", "cavalry", "Blagoveshchensk", "A2")
for num, town, parent, br in [
    (42, "Voroshilov", "A1", "armour"),
    (48, "Barabash", "A1", "armour"),
    (2, "Slavyanka", "A1", "mechanised"),
    (3, "Svobodny", "A2", "armour"),
    (32, "Birobidzhan", "A2", "armour"),
]:
    unit(f"TB{num}", num, "brigade", br, town, parent)
unit("AA1", 1, "army", "aviation", "Khabarovsk", "FEF", ("special",))
unit("AB29", 29, "brigade", "aviation_bomber", "Voroshilov", "AA1")
unit("AB69", 69, "brigade", "aviation_fighter", "Khabarovsk", "AA1")
unit("AB31", 31, "brigade", "aviation_bomber", "Spassk-Dalny", "AA1")
for num, town, parent, br in [
    (19, "Voroshilov", "AB29", "aviation_fighter"),
    (48, "Vladivostok", "AB29", "aviation_bomber"),
    (21, "Spassk-Dalny", "AB31", "aviation_assault"),
    (25, "Spassk-Dalny", "AB31", "aviation_bomber"),
    (40, "Khabarovsk", "AB69", "aviation_fighter"),
    (55, "Blagoveshchensk", "AB69", "aviation_bomber"),
    (33, "Svobodny", "AB69", "aviation_fighter"),
]:
    unit(f"AR{num}", num, "regiment", br, town, parent)
for num, town, parent in [
    (58, "Posyet", "A1"),
    (59, "Grodekovo", "A1"),
    (60, "Iman", "A2"),
    (61, "Blagoveshchensk", "A2"),
]:
    unit(f"BD{num}", num, "battalion", "border_troops", town, parent)
unit("FAR1", 1, "regiment", "artillery", "Vladivostok", "A1")
unit("FAR2", 2, "regiment", "artillery", "Khabarovsk", "A2")
unit("ADR1", 1, "regiment", "air_defence", "Vladivostok", "A1")
unit("ENG1", 1, "regiment", "engineers", "Voroshilov", "A1")
unit("RLW5", 5, "regiment", "railway", "Khabarovsk", "FEF")
unit("NKVD1", 1, "regiment", "internal_troops", "Nikolayevsk-on-Amur", "A2")

# ---- Transbaikal Military District and the 57th Special Corps in Mongolia ------------------------
_region = "transbaikal"
unit("ZAB", None, "front", None, "Chita", None)
unit("SC57", 57, "corps", None, "Ulan Bator", "ZAB", ("special",))
unit("MRD36", 36, "division", "motorised", "Undurkhan", "SC57")
for i, reg in enumerate((24, 76, 149)):
    unit(f"MRD36-r{i + 1}", reg, "regiment", "motorised", "Undurkhan", "MRD36")
unit("MRD36-ap", 175, "regiment", "artillery", "Undurkhan", "MRD36")
unit("TB11", 11, "brigade", "armour", "Tamsag Bulag", "SC57")
unit("TB7", 7, "brigade", "mechanised", "Bayan Tumen", "SC57")
unit("AB100", 100, "brigade", "aviation", "Ulan Bator", "SC57")
rifle_division("RD93", 93, "Borzya", "ZAB", regiments=False)
rifle_division("RD94", 94, "Dauria", "ZAB", regiments=False)
rifle_division("RD57", 57, "Chita", "ZAB", regiments=False)
rifle_division("RD65", 65, "Ulan-Ude", "ZAB", regiments=False)
unit("CD15", 15, "division", "cavalry", "Olovyannaya", "ZAB")
unit("AB23", 23, "brigade", "aviation_bomber", "Chita", "ZAB")
unit("AR70", 70, "regiment", "aviation_fighter", "Borzya", "AB23")
unit("AR150", 150, "regiment", "aviation_bomber", "Ulan-Ude", "AB23")
unit("BD54", 54, "battalion", "border_troops", "Dauria", "ZAB")

# ---- Belorussian Special Military District -------------------------------------------------------
_region = "west"
unit("BSMD", None, "front", None, "Smolensk", None, ("special",))
unit("AGV", None, "army", None, "Vitebsk", "BSMD")
unit("AGB", None, "army", None, "Bobruisk", "BSMD")
for num, town, parent in [
    (2, "Minsk", "BSMD"),
    (4, "Vitebsk", "AGV"),
    (5, "Bobruisk", "AGB"),
    (16, "Mogilev", "AGB"),
    (23, "Gomel", "BSMD"),
]:
    unit(f"BRC{num}", num, "corps", "infantry", town, parent)
for num, town, parent, regs in [
    (2, "Minsk", "BRC2", True),
    (100, "Minsk", "BRC2", False),
    (13, "Borisov", "BRC2", False),
    (5, "Polotsk", "BRC4", False),
    (27, "Vitebsk", "BRC4", True),
    (50, "Polotsk", "BRC4", False),
    (8, "Bobruisk", "BRC5", False),
    (37, "Bobruisk", "BRC5", False),
    (4, "Slutsk", "BRC5", False),
    (33, "Mogilev", "BRC16", False),
    (29, "Orsha", "BRC16", False),
    (55, "Gomel", "BRC23", False),
    (64, "Mozyr", "BRC23", False),
    (43, "Lepel", "BRC4", False),
]:
    rifle_division(f"BRD{num}", num, town, parent, regiments=regs)
unit("BCC3", 3, "corps", "cavalry", "Minsk", "BSMD")
unit("BCC6", 6, "corps", "cavalry", "Slutsk", "AGB")
for num, town, parent in [
    (7, "Minsk", "BCC3"),
    (24, "Lepel", "BCC3"),
    (4, "Slutsk", "BCC6"),
    (6, "Slutsk", "BCC6"),
    (36, "Bobruisk", "BCC6"),
]:
    unit(f"BCD{num}", num, "division", "cavalry", town, parent)
for num, town, parent in [
    (4, "Bobruisk", "AGB"),
    (18, "Minsk", "BSMD"),
    (21, "Vitebsk", "AGV"),
    (29, "Borisov", "BSMD"),
]:
    unit(f"BTB{num}", num, "brigade", "armour", town, parent)
unit("BAB3", 3, "brigade", "aviation_bomber", "Smolensk", "BSMD")
unit("BAB16", 16, "brigade", "aviation_fighter", "Bobruisk", "BSMD")
for num, town, parent, br in [
    (31, "Smolensk", "BAB3", "aviation_bomber"),
    (42, "Smolensk", "BAB3", "aviation_bomber"),
    (43, "Vitebsk", "BAB16", "aviation_fighter"),
    (46, "Bobruisk", "BAB16", "aviation_fighter"),
    (7, "Minsk", "BAB16", "aviation_assault"),
]:
    unit(f"BAR{num}", num, "regiment", br, town, parent)
unit("BBD13", 13, "battalion", "border_troops", "Polotsk", "AGV")
unit("BSR7", 7, "regiment", "signals", "Smolensk", "BSMD")

# ---- Kiev Special Military District ---------------------------------------------------------------
unit("KSMD", None, "front", None, "Kiev", None, ("special",))
unit("AGZ", None, "army", None, "Zhitomir", "KSMD")
unit("AGW", None, "army", None, "Vinnitsa", "KSMD")
for num, town, parent in [
    (8, "Novograd-Volynsky", "AGZ"),
    (15, "Kiev", "KSMD"),
    (17, "Vinnitsa", "AGW"),
    (36, "Zhitomir", "AGZ"),
    (49, "Uman", "AGW"),
]:
    unit(f"KRC{num}", num, "corps", "infantry", town, parent)
for num, town, parent, regs in [
    (44, "Kiev", "KRC15", True),
    (45, "Chernigov", "KRC15", False),
    (46, "Zhitomir", "KRC8", False),
    (7, "Zhitomir", "KRC36", False),
    (60, "Vinnitsa", "KRC17", False),
    (72, "Vinnitsa", "KRC17", False),
    (87, "Berdichev", "KRC36", False),
    (96, "Uman", "KRC49", False),
    (99, "Belaya Tserkov", "KRC49", False),
    (130, "Shepetovka", "KRC8", False),
    (131, "Novograd-Volynsky", "KRC8", False),
]:
    rifle_division(f"KRD{num}", num, town, parent, regiments=regs)
unit("KCC4", 4, "corps", "cavalry", "Proskurov", "AGW")
for num, town in [(9, "Proskurov"), (32, "Kamenets-Podolsky"), (34, "Berdichev")]:
    unit(f"KCD{num}", num, "division", "cavalry", town, "KCC4")
unit("KTC25", 25, "corps", "armour", "Kiev", "KSMD")
for num, town, parent in [
    (5, "Kiev", "KTC25"),
    (10, "Zhitomir", "AGZ"),
    (23, "Vinnitsa", "AGW"),
    (26, "Berdichev", "KTC25"),
]:
    unit(f"KTB{num}", num, "brigade", "armour", town, parent)
unit("KAB17", 17, "brigade", "aviation_bomber", "Kiev", "KSMD")
for num, town, br in [
    (2, "Kiev", "aviation_fighter"),
    (36, "Vinnitsa", "aviation_fighter"),
    (62, "Zhitomir", "aviation_bomber"),
]:
    unit(f"KAR{num}", num, "regiment", br, town, "KAB17")
unit("KABN3", 3, "brigade", "airborne", "Kiev", "KSMD")
unit("KBD22", 22, "battalion", "border_troops", "Kamenets-Podolsky", "AGW")

# ---- Leningrad Military District -----------------------------------------------------------------
unit("LMD", None, "front", None, "Leningrad", None)
for num, town in [(1, "Leningrad"), (19, "Novgorod")]:
    unit(f"LRC{num}", num, "corps", "infantry", town, "LMD")
for num, town, parent in [
    (16, "Kingisepp", "LRC1"),
    (24, "Pskov", "LRC19"),
    (49, "Novgorod", "LRC19"),
    (70, "Leningrad", "LRC1"),
    (54, "Petrozavodsk", "LMD"),
]:
    rifle_division(f"LRD{num}", num, town, parent, regiments=False)
unit("LTB13", 13, "brigade", "armour", "Leningrad", "LMD")
unit("LAB59", 59, "brigade", "aviation_fighter", "Leningrad", "LMD")
unit("LAR58", 58, "regiment", "aviation_fighter", "Leningrad", "LAB59")
unit("LAR7", 7, "regiment", "aviation_fighter", "Pskov", "LAB59")

BY_ID = {u.tid: u for u in truth}
rng = random.Random(SEED)


def holdings(u: Unit) -> tuple[dict[str, int], int | None]:
    """Plausible equipment and strength for the unit's echelon and branch."""
    e, b = u.echelon, u.branch
    r = rng.randint
    if e == "division" and b == "infantry":
        return {"guns": r(48, 72), "tanks": r(15, 40)}, r(12000, 16000)
    if e == "division" and b == "motorised":
        return {"guns": r(40, 60), "tanks": r(60, 120)}, r(9000, 11000)
    if e == "division" and b == "cavalry":
        return {"guns": r(24, 36), "tanks": r(40, 70)}, r(6000, 7500)
    if e == "corps" and b == "armour":
        return {"tanks": r(500, 560)}, r(11000, 12500)
    if e == "brigade" and b in ("armour", "mechanised"):
        return {"tanks": r(230, 280)}, r(2400, 3000)
    if e == "brigade" and b == "airborne":
        return {}, r(1600, 2000)
    if e == "army" and b == "aviation":
        return {"aircraft": r(380, 460)}, None
    if e == "brigade" and b and b.startswith("aviation"):
        return {"aircraft": r(120, 180)}, None
    if e == "regiment" and b and b.startswith("aviation"):
        return {"aircraft": r(50, 65)}, None
    if e == "regiment" and b == "artillery":
        return {"guns": r(36, 48)}, r(1500, 2000)
    if e == "regiment" and b == "air_defence":
        return {"guns": r(24, 36)}, r(1200, 1500)
    if e == "regiment" and b == "motorised":
        return {"tanks": r(10, 20)}, r(2000, 2500)
    if e == "regiment":
        return {}, r(2300, 3000)
    if e == "battalion":
        return {}, r(600, 1200)
    return {}, None


for u in truth:
    u.equipment, u.strength = holdings(u)


def jitter(lat: float, lon: float, km_lo: float = 1.0, km_hi: float = 6.0) -> tuple[float, float]:
    """A point km_lo–km_hi km away in a random direction (reports never agree to the metre)."""
    d = rng.uniform(km_lo, km_hi)
    a = rng.uniform(0, 2 * math.pi)
    return (
        round(lat + d * math.cos(a) / 111.2, 4),
        round(lon + d * math.sin(a) / (111.2 * math.cos(math.radians(lat))), 4),
    )


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def top(u: Unit) -> str:
    while u.parent:
        u = BY_ID[u.parent]
    return u.tid


# ---- plant the disagreements: JP's view differs from PL's (PL is "ours") --------------------------
def is_leaf(tid: str) -> bool:
    return not any(v.parent == tid for v in truth)


def pick(pool: list[str], n: int, ok) -> list[str]:  # type: ignore[no-untyped-def]
    out = [t for t in pool if ok(BY_ID[t])][:n]
    for t in out:
        pool.remove(t)
    return out


leaves = sorted(t.tid for t in truth if is_leaf(t.tid))
rng.shuffle(leaves)
# units one side never heard of: leaves only, so both hierarchies stay whole
only_pl = set(pick(leaves, 15, lambda u: True))
only_jp = set(pick(leaves, 15, lambda u: True))
pool = sorted(t.tid for t in truth if t.tid not in only_pl | only_jp and t.echelon != "front")
rng.shuffle(pool)
# moved: corps and below (an army's or front's tolerance is wider than some moves)
moved = pick(pool, 10, lambda u: u.echelon not in ("army", "front"))
reequipped = pick(pool, 10, lambda u: bool(u.equipment))
restrength = pick(pool, 6, lambda u: bool(u.strength))
reech = pick(pool, 2, lambda u: u.echelon == "brigade" and u.branch == "armour")
rebranch = pick(pool, 2, lambda u: u.echelon == "division" and u.branch == "cavalry")


def siblings_of_parent(u: Unit) -> list[str]:
    """A plausible wrong parent: another unit of the parent's echelon and arm in the same front,
    known to both sides and not itself reorganised in JP's eyes."""
    p = BY_ID[u.parent] if u.parent else None
    if p is None:
        return []
    flies = p.branch in AVIATION
    return sorted(
        v.tid
        for v in truth
        if v.echelon == p.echelon
        and (v.branch in AVIATION) == flies
        and v.tid not in (p.tid, u.tid)
        and top(v) == top(u)
        and v.tid not in only_pl | only_jp | set(reech) | set(rebranch)
    )


resub = pick(
    pool,
    6,
    lambda u: u.echelon in ("division", "brigade", "regiment") and bool(siblings_of_parent(u)),
)
stale_jp = pick(pool, 2, lambda u: True)
stale_pl = pick(pool, 1, lambda u: True)

pl_id = {u.tid: f"PL-{i:04d}" for i, u in enumerate(truth, start=1)}
# JP numbers its cards by region, then town (romanised), then kind: its own order, its own ids
jp_order = sorted(truth, key=lambda u: (u.region != "far_east", u.region, u.town, u.echelon, u.tid))
jp_id = {u.tid: f"J{i:04d}" for i, u in enumerate(jp_order, start=101)}


def town_far_from(u: Unit) -> str:
    here = TOWNS[u.town][2:]
    far = sorted(n for n, t in TOWNS.items() if 100 < km(here, t[2:]) < 450)
    return rng.choice(far)


def eq_text(eq: dict[str, int]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(eq.items()))


def observed(u: Unit, hour: int, stale: bool = False) -> str:
    if stale:  # last heard of in the winter, long before the other side's report
        return f"1938-{rng.randint(1, 2):02d}-{rng.randint(1, 28):02d}T{hour:02d}:00:00Z"
    month, lo, hi = REGION_DATES[u.region]
    return f"1938-{month:02d}-{rng.randint(lo, hi):02d}T{hour:02d}:00:00Z"


def designation(u: Unit, lang: str, echelon: str, branch: str | None) -> str:
    if u.tid in NAMED:
        return NAMED[u.tid][0 if lang == "pl" else 1]
    return format_designation(
        u.number,
        echelon,
        branch,
        frozenset(u.honorifics),
        lang=lang,
        abbreviated=rng.random() < 0.2,
    )


def row(
    u: Unit,
    lang: str,
    uid: str,
    parent: str,
    echelon: str,
    branch: str | None,
    place: str,
    lat: float,
    lon: float,
    when: str,
    eq: dict[str, int],
    strength: int | None,
    grades: tuple[str, str],
) -> dict[str, object]:
    text = designation(u, lang, echelon, branch)
    d = parse_designation(text)
    # state echelon and branch only where the designation alone does not say them
    say = d.echelon != echelon or d.branch != branch
    return {
        "unit_id": uid,
        "designation": text,
        "echelon": echelon if say else "",
        "branch": (branch or "") if say else "",
        "parent_id": parent,
        "lat": lat,
        "lon": lon,
        "place": place,
        "observed_at": when,
        "equipment": eq_text(eq),
        "strength": strength or "",
        "source_reliability": rng.choice(grades[0]),
        "info_credibility": rng.choice(grades[1]),
        "sidc": derive_sidc(echelon, branch),
        "notes": "",
    }


planted: list[dict[str, object]] = []
pl_rows: list[dict[str, object]] = []
jp_rows: list[dict[str, object]] = []
for u in truth:
    pair = {"pl": pl_id[u.tid], "jp": jp_id[u.tid]}
    # --- PL's report
    if u.tid not in only_jp:
        lat, lon = jitter(*TOWNS[u.town][2:])
        pl_rows.append(
            row(
                u,
                "pl",
                pl_id[u.tid],
                pl_id[u.parent] if u.parent else "",
                u.echelon,
                u.branch,
                TOWNS[u.town][0],
                lat,
                lon,
                observed(u, 6, stale=u.tid in stale_pl),
                u.equipment,
                u.strength,
                ("ABBBCC", "122233"),
            )
        )
    # --- JP's report
    if u.tid in only_pl:
        continue
    town, echelon, branch = u.town, u.echelon, u.branch
    eq, strength, parent = dict(u.equipment), u.strength, u.parent
    lat, lon = jitter(*TOWNS[town][2:])
    if u.tid in moved:
        town = town_far_from(u)
        lat, lon = jitter(*TOWNS[town][2:])
        planted.append(
            {"kind": "location", **pair, "pl_town": u.town, "jp_town": town, "km_apart": None}
        )
    if u.tid in reequipped:
        k = sorted(eq)[0]
        eq[k] = int(eq[k] * rng.choice([0.5, 0.6, 1.5, 1.7]))
        planted.append({"kind": "equipment", **pair, "item": k})
    if u.tid in restrength:
        assert strength is not None
        strength = int(strength * rng.choice([0.6, 0.7, 1.4]))
        planted.append({"kind": "strength", **pair})
    if u.tid in resub:
        parent = rng.choice(siblings_of_parent(u))
        planted.append({"kind": "subordination", **pair, "jp_parent": jp_id[parent]})
    if u.tid in reech:
        echelon = "regiment"  # JP takes the tank brigade for a tank regiment
        planted.append({"kind": "echelon", **pair, "pl_echelon": u.echelon, "jp_echelon": echelon})
    if u.tid in rebranch:
        branch = "infantry"  # JP takes the cavalry division for a rifle division
        planted.append({"kind": "branch", **pair, "pl_branch": u.branch, "jp_branch": branch})
    if u.tid in stale_jp or u.tid in stale_pl:
        planted.append({"kind": "stale", **pair, "stale_side": "JP" if u.tid in stale_jp else "PL"})
    jp_rows.append(
        row(
            u,
            "ja",
            jp_id[u.tid],
            jp_id[parent] if parent else "",
            echelon,
            branch,
            TOWNS[town][1],
            lat,
            lon,
            observed(u, 9, stale=u.tid in stale_jp),
            eq,
            strength,
            ("ABBCCD", "122334"),
        )
    )

for tid in sorted(only_pl, key=lambda t: pl_id[t]):
    planted.append({"kind": "only_ours", "pl": pl_id[tid], "jp": None})
for tid in sorted(only_jp, key=lambda t: jp_id[t]):
    planted.append({"kind": "only_theirs", "pl": None, "jp": jp_id[tid]})

jp_rows.sort(key=lambda r: str(r["unit_id"]))
pl_by = {r["unit_id"]: r for r in pl_rows}
jp_by = {r["unit_id"]: r for r in jp_rows}
for p in planted:
    if p["kind"] == "location":
        a, b = pl_by[p["pl"]], jp_by[p["jp"]]
        p["km_apart"] = round(km((a["lat"], a["lon"]), (b["lat"], b["lon"])), 1)  # type: ignore[arg-type]
pl_rows[0]["notes"] = NOTE
jp_rows[0]["notes"] = NOTE

OUT.mkdir(parents=True, exist_ok=True)
for name, rows in (("pl.csv", pl_rows), ("jp.csv", jp_rows)):
    with (OUT / name).open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
crosswalk = [
    {"pl": pl_id[u.tid], "jp": jp_id[u.tid]} for u in truth if u.tid not in only_pl | only_jp
]
(OUT / "truth.json").write_text(
    json.dumps(
        {
            "note": NOTE,
            "seed": SEED,
            "units_in_ground_truth": len(truth),
            "partners": {
                "PL": "Polish General Staff, 2nd Department",
                "JP": "Imperial Japanese Army General Staff, 2nd Bureau",
            },
            "crosswalk": crosswalk,
            "planted": planted,
        },
        ensure_ascii=False,
        indent=1,
    )
    + "\n",
    encoding="utf-8",
)
print(
    f"ground truth {len(truth)} units; PL {len(pl_rows)} rows; JP {len(jp_rows)} rows; "
    f"{len(crosswalk)} pairs; {len(planted)} planted"
)
