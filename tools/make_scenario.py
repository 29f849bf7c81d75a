"""Generate the demo scenario: PL and JP pictures of Soviet forces around 1938, with planted
disagreements, and truth.json (the true crosswalk and every planted discrepancy).

ILLUSTRATIVE, NOT A HISTORICAL RECORD: formations, numbers and locations are plausible for
1938 but are made up for demonstration and testing. Deterministic (seeded).

    .venv/bin/python tools/make_scenario.py   # writes src/liaison/data/scenario/
"""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

from liaison.names import format_designation
from liaison.orbat.csvio import COLUMNS

OUT = Path(__file__).parents[1] / "src/liaison/data/scenario"
rng = random.Random(19381)

# town: (Polish, katakana, lat, lon)
TOWNS = {
    "Khabarovsk": ("Chabarowsk", "ハバロフスク", 48.48, 135.08),
    "Voroshilov": ("Woroszyłow", "ヴォロシーロフ", 43.80, 131.95),
    "Vladivostok": ("Władywostok", "ウラジオストク", 43.12, 131.89),
    "Spassk-Dalny": ("Spassk Dalni", "スパスク", 44.60, 132.82),
    "Grodekovo": ("Grodekowo", "グロデコヴォ", 44.40, 131.65),
    "Posyet": ("Posjet", "ポシエット", 42.65, 130.80),
    "Razdolnoye": ("Razdolnoje", "ラズドリノエ", 43.54, 131.91),
    "Barabash": ("Barabasz", "バラバシュ", 43.19, 131.49),
    "Iman": ("Iman", "イマン", 45.93, 133.73),
    "Bikin": ("Bikin", "ビキン", 46.82, 134.25),
    "Blagoveshchensk": ("Błagowieszczeńsk", "ブラゴヴェシチェンスク", 50.27, 127.53),
    "Birobidzhan": ("Birobidżan", "ビロビジャン", 48.79, 132.92),
    "Svobodny": ("Swobodny", "スヴォボードヌイ", 51.38, 128.13),
    "Komsomolsk-on-Amur": ("Komsomolsk nad Amurem", "コムソモリスク・ナ・アムーレ", 50.55, 137.01),
    "Nikolayevsk-on-Amur": ("Nikołajewsk nad Amurem", "ニコラエフスク", 53.14, 140.73),
    "Chita": ("Czyta", "チタ", 52.03, 113.50),
    "Borzya": ("Borzia", "ボルジャ", 50.39, 116.53),
    "Dauria": ("Dauria", "ダウリヤ", 49.93, 116.87),
    "Ulan-Ude": ("Ułan Ude", "ウランウデ", 51.83, 107.61),
    "Ulan Bator": ("Ułan Bator", "ウランバートル", 47.91, 106.88),
    "Tamsag Bulag": ("Tamsag Bułag", "タムスク", 47.23, 117.25),
    "Smolensk": ("Smoleńsk", "スモレンスク", 54.78, 32.05),
    "Minsk": ("Mińsk", "ミンスク", 53.90, 27.56),
    "Vitebsk": ("Witebsk", "ヴィテブスク", 55.19, 30.20),
    "Polotsk": ("Połock", "ポロツク", 55.49, 28.79),
    "Bobruisk": ("Bobrujsk", "ボブルイスク", 53.14, 29.22),
    "Mogilev": ("Mohylew", "モギリョフ", 53.91, 30.34),
    "Gomel": ("Homel", "ゴメリ", 52.43, 30.99),
    "Slutsk": ("Słuck", "スルツク", 53.03, 27.56),
    "Borisov": ("Borysów", "ボリソフ", 54.23, 28.51),
    "Lepel": ("Lepel", "レペリ", 54.88, 28.69),
    "Kiev": ("Kijów", "キエフ", 50.45, 30.52),
    "Zhitomir": ("Żytomierz", "ジトーミル", 50.25, 28.66),
    "Vinnitsa": ("Winnica", "ヴィンニツァ", 49.23, 28.47),
    "Proskurov": ("Płoskirów", "プロスクロフ", 49.42, 26.99),
    "Shepetovka": ("Szepetówka", "シェペトフカ", 50.18, 27.06),
    "Berdichev": ("Berdyczów", "ベルディチェフ", 49.90, 28.59),
    "Kamenets-Podolsky": ("Kamieniec Podolski", "カメネツ・ポドリスキー", 48.68, 26.58),
    "Leningrad": ("Leningrad", "レニングラード", 59.94, 30.31),
    "Pskov": ("Psków", "プスコフ", 57.82, 28.33),
    "Novgorod": ("Nowogród Wielki", "ノヴゴロド", 58.52, 31.27),
}

truth: list[dict] = []


def unit(
    tid: str,
    number: int | None,
    echelon: str,
    branch: str | None,
    town: str,
    parent: str | None,
    honorifics: tuple[str, ...] = (),
    name: str | None = None,
) -> str:
    truth.append(
        {
            "tid": tid,
            "number": number,
            "echelon": echelon,
            "branch": branch,
            "honorifics": list(honorifics),
            "name": name,
            "town": town,
            "parent": parent,
        }
    )
    return tid


def division_regiments(div: str, num: int, town: str, branch: str = "infantry") -> None:
    base = num * 3 + 50
    for i in range(3):
        unit(f"{div}-r{i}", base + i, "regiment", branch, town, div)
    unit(f"{div}-ap", num + 20, "regiment", "artillery", town, div)


# ---- Far East ---------------------------------------------------------------------------------
unit("FEF", None, "front", None, "Khabarovsk", None, (), "far_eastern")
unit("A1", 1, "army", None, "Voroshilov", "FEF", ("red_banner",))
unit("A2", 2, "army", None, "Khabarovsk", "FEF", ("red_banner",))
unit("RC39", 39, "corps", "infantry", "Spassk-Dalny", "A1")
unit("RC18", 18, "corps", "infantry", "Khabarovsk", "A2")
for num, town, parent in [
    (32, "Razdolnoye", "RC39"),
    (40, "Posyet", "RC39"),
    (26, "Grodekovo", "A1"),
    (39, "Barabash", "A1"),
    (105, "Grodekovo", "A1"),
    (21, "Spassk-Dalny", "RC39"),
]:
    unit(f"RD{num}", num, "division", "infantry", town, parent)
    division_regiments(f"RD{num}", num, town)
for num, town, parent in [
    (2, "Blagoveshchensk", "A2"),
    (3, "Birobidzhan", "RC18"),
    (12, "Svobodny", "A2"),
    (34, "Bikin", "RC18"),
    (35, "Iman", "RC18"),
]:
    unit(f"RD{num}", num, "division", "infantry", town, parent)
    division_regiments(f"RD{num}", num, town)
unit("RD66", 66, "division", "infantry", "Voroshilov", "A1")
unit("RD69", 69, "division", "infantry", "Komsomolsk-on-Amur", "A2")
unit("CD8", 8, "division", "cavalry", "Voroshilov", "A1")
unit("CD31", 31, "division", "cavalry", "Blagoveshchensk", "A2")
for num, town, parent in [
    (42, "Voroshilov", "A1"),
    (48, "Barabash", "A1"),
    (2, "Svobodny", "A2"),
    (32, "Birobidzhan", "A2"),
]:
    unit(f"TB{num}", num, "brigade", "armour", town, parent)
unit("AB29", 29, "brigade", "aviation_bomber", "Voroshilov", "A1")
unit("AB69", 69, "brigade", "aviation_fighter", "Khabarovsk", "A2")
for num, town, parent, br in [
    (19, "Voroshilov", "AB29", "aviation_fighter"),
    (48, "Vladivostok", "AB29", "aviation_bomber"),
    (40, "Khabarovsk", "AB69", "aviation_fighter"),
    (55, "Blagoveshchensk", "AB69", "aviation_bomber"),
    (33, "Svobodny", "AB69", "aviation_fighter"),
    (21, "Spassk-Dalny", "AB29", "aviation_assault"),
]:
    unit(f"AR{num}", num, "regiment", br, town, parent)
for num, town, parent in [
    (58, "Posyet", "A1"),
    (59, "Grodekovo", "A1"),
    (60, "Iman", "A2"),
    (61, "Blagoveshchensk", "A2"),
]:
    unit(f"BD{num}", num, "battalion", "border_troops", town, parent)
unit("AR1", 1, "regiment", "artillery", "Vladivostok", "A1")
unit("AR2", 2, "regiment", "artillery", "Khabarovsk", "A2")
unit("NKVD1", 1, "regiment", "internal_troops", "Nikolayevsk-on-Amur", "A2")
# ---- Transbaikal and Mongolia -------------------------------------------------------------------
unit("ZAB", None, "front", None, "Chita", None, (), "transbaikal")
unit("SC57", 57, "corps", None, "Ulan Bator", "ZAB", ("special",))
unit("MRD36", 36, "division", "motorised", "Ulan Bator", "SC57")
unit("TB11", 11, "brigade", "armour", "Tamsag Bulag", "SC57")
unit("TB7", 7, "brigade", "mechanised", "Tamsag Bulag", "SC57")
for num, town in [(93, "Borzya"), (94, "Dauria"), (57, "Chita"), (65, "Ulan-Ude")]:
    unit(f"RD{num}", num, "division", "infantry", town, "ZAB")
unit("CD15", 15, "division", "cavalry", "Dauria", "ZAB")
unit("AB100", 100, "brigade", "aviation_bomber", "Chita", "ZAB")
unit("AR70", 70, "regiment", "aviation_fighter", "Borzya", "AB100")
unit("AR150", 150, "regiment", "aviation_bomber", "Ulan-Ude", "AB100")
# ---- Belorussian Special Military District -------------------------------------------------------
unit("BSMD", None, "front", None, "Smolensk", None, ("special",), "belorussian")
for num, town in [(2, "Minsk"), (4, "Vitebsk"), (5, "Bobruisk"), (16, "Mogilev"), (23, "Gomel")]:
    unit(f"BRC{num}", num, "corps", "infantry", town, "BSMD")
for num, town, parent in [
    (2, "Minsk", "BRC2"),
    (100, "Minsk", "BRC2"),
    (13, "Borisov", "BRC2"),
    (5, "Polotsk", "BRC4"),
    (27, "Vitebsk", "BRC4"),
    (50, "Polotsk", "BRC4"),
    (8, "Bobruisk", "BRC5"),
    (37, "Bobruisk", "BRC5"),
    (4, "Slutsk", "BRC5"),
    (33, "Mogilev", "BRC16"),
    (29, "Smolensk", "BRC16"),
    (55, "Gomel", "BRC23"),
    (64, "Smolensk", "BRC16"),
    (43, "Lepel", "BRC4"),
]:
    unit(f"BRD{num}", num, "division", "infantry", town, parent)
unit("BCC3", 3, "corps", "cavalry", "Minsk", "BSMD")
unit("BCC6", 6, "corps", "cavalry", "Slutsk", "BSMD")
for num, town, parent in [
    (7, "Minsk", "BCC3"),
    (24, "Lepel", "BCC3"),
    (4, "Slutsk", "BCC6"),
    (6, "Slutsk", "BCC6"),
    (36, "Bobruisk", "BCC6"),
]:
    unit(f"BCD{num}", num, "division", "cavalry", town, parent)
for num, town in [(4, "Bobruisk"), (18, "Minsk"), (21, "Vitebsk"), (29, "Borisov")]:
    unit(f"BTB{num}", num, "brigade", "armour", town, "BSMD")
unit("BAB3", 3, "brigade", "aviation_bomber", "Smolensk", "BSMD")
for num, town, br in [
    (31, "Smolensk", "aviation_bomber"),
    (43, "Vitebsk", "aviation_fighter"),
    (46, "Bobruisk", "aviation_fighter"),
    (7, "Minsk", "aviation_assault"),
]:
    unit(f"BAR{num}", num, "regiment", br, town, "BAB3")
# ---- Kiev Special Military District --------------------------------------------------------------
unit("KSMD", None, "front", None, "Kiev", None, ("special",), "kiev")
for num, town in [
    (8, "Zhitomir"),
    (15, "Kiev"),
    (17, "Vinnitsa"),
    (36, "Zhitomir"),
    (49, "Proskurov"),
]:
    unit(f"KRC{num}", num, "corps", "infantry", town, "KSMD")
for num, town, parent in [
    (44, "Kiev", "KRC15"),
    (45, "Kiev", "KRC15"),
    (46, "Zhitomir", "KRC8"),
    (7, "Zhitomir", "KRC36"),
    (60, "Vinnitsa", "KRC17"),
    (72, "Vinnitsa", "KRC17"),
    (87, "Berdichev", "KRC36"),
    (96, "Proskurov", "KRC49"),
    (99, "Kamenets-Podolsky", "KRC49"),
    (130, "Shepetovka", "KRC8"),
    (131, "Shepetovka", "KRC8"),
]:
    unit(f"KRD{num}", num, "division", "infantry", town, parent)
unit("KCC4", 4, "corps", "cavalry", "Proskurov", "KSMD")
for num, town in [(9, "Proskurov"), (32, "Kamenets-Podolsky"), (34, "Berdichev")]:
    unit(f"KCD{num}", num, "division", "cavalry", town, "KCC4")
for num, town in [(5, "Kiev"), (10, "Zhitomir"), (23, "Vinnitsa"), (26, "Berdichev")]:
    unit(f"KTB{num}", num, "brigade", "armour", town, "KSMD")
unit("KAB17", 17, "brigade", "aviation_bomber", "Kiev", "KSMD")
for num, town, br in [
    (2, "Kiev", "aviation_fighter"),
    (36, "Vinnitsa", "aviation_fighter"),
    (62, "Zhitomir", "aviation_bomber"),
]:
    unit(f"KAR{num}", num, "regiment", br, town, "KAB17")
# ---- Leningrad ---------------------------------------------------------------------------------------
unit("LMD", None, "front", None, "Leningrad", None, (), "leningrad")
for num, town in [(1, "Leningrad"), (19, "Novgorod")]:
    unit(f"LRC{num}", num, "corps", "infantry", town, "LMD")
for num, town, parent in [
    (16, "Leningrad", "LRC1"),
    (24, "Pskov", "LRC19"),
    (49, "Novgorod", "LRC19"),
    (70, "Leningrad", "LRC1"),
]:
    unit(f"LRD{num}", num, "division", "infantry", town, parent)
unit("LTB13", 13, "brigade", "armour", "Leningrad", "LMD")

BY_ID = {t["tid"]: t for t in truth}


def holdings(t: dict) -> tuple[dict[str, int], int | None]:
    e, b = t["echelon"], t["branch"]
    if e == "division" and b == "infantry":
        return {"guns": rng.randint(48, 72), "tanks": rng.randint(15, 40)}, rng.randint(
            12000, 16000
        )
    if e == "division" and b == "motorised":
        return {"guns": rng.randint(40, 60), "tanks": rng.randint(60, 120)}, rng.randint(
            9000, 11000
        )
    if e == "division" and b == "cavalry":
        return {"guns": rng.randint(24, 36), "tanks": rng.randint(40, 70)}, rng.randint(6000, 7500)
    if e == "brigade" and b in ("armour", "mechanised"):
        return {"tanks": rng.randint(230, 280)}, rng.randint(2400, 3000)
    if e == "brigade" and b and b.startswith("aviation"):
        return {"aircraft": rng.randint(120, 180)}, None
    if e == "regiment" and b and b.startswith("aviation"):
        return {"aircraft": rng.randint(50, 65)}, None
    if e == "regiment" and b == "artillery":
        return {"guns": rng.randint(36, 48)}, rng.randint(1500, 2000)
    if e == "regiment":
        return {}, rng.randint(2500, 3000)
    if e == "battalion":
        return {}, rng.randint(600, 1200)
    return {}, None


for t in truth:
    t["equipment"], t["strength"] = holdings(t)
    _, _, lat, lon = TOWNS[t["town"]]
    t["lat"], t["lon"] = lat, lon


def jitter(lat: float, lon: float, km_lo: float = 1.0, km_hi: float = 6.0) -> tuple[float, float]:
    d = rng.uniform(km_lo, km_hi)
    a = rng.uniform(0, 2 * math.pi)
    return round(lat + d * math.cos(a) / 111.0, 4), round(
        lon + d * math.sin(a) / (111.0 * math.cos(math.radians(lat))), 4
    )


# ---- plant the disagreements (JP's view differs from PL's; PL is "ours") -------------------------------
leaves = [t["tid"] for t in truth if not any(u["parent"] == t["tid"] for u in truth)]
rng.shuffle(leaves)
only_pl = set(leaves[:15])
only_jp = set(leaves[15:30])
rest = [t["tid"] for t in truth if t["tid"] not in only_pl | only_jp and t["echelon"] != "front"]
rng.shuffle(rest)
moved = rest[0:10]
reequipped = [x for x in rest[10:40] if BY_ID[x]["equipment"]][:10]
restrength = [x for x in rest[40:70] if BY_ID[x]["strength"]][:6]
resub = [
    x
    for x in rest[70:110]
    if BY_ID[x]["echelon"] in ("division", "regiment", "brigade")
    and any(
        u["echelon"] == BY_ID[BY_ID[x]["parent"]]["echelon"]
        and u["tid"] != BY_ID[x]["parent"]
        and u["tid"] not in only_pl | only_jp
        for u in truth
    )
][:6]
reech = [
    x for x in rest[110:140] if BY_ID[x]["echelon"] == "brigade" and BY_ID[x]["branch"] == "armour"
][:2]
rebranch = [
    x
    for x in rest[110:160]
    if BY_ID[x]["echelon"] == "division" and BY_ID[x]["branch"] == "cavalry" and x not in reech
][:2]
used = set(moved + reequipped + restrength + resub + reech + rebranch)
stale = [x for x in rest if x not in used][:3]

planted: list[dict] = []
pl_rows, jp_rows = [], []
pl_id = {t["tid"]: f"PL-{i:04d}" for i, t in enumerate(truth, start=1)}
jp_id = {
    t["tid"]: f"J{i:04d}"
    for i, t in enumerate(sorted(truth, key=lambda t: (t["town"], t["tid"])), start=101)
}


def town_far_from(t: dict) -> str:
    lat, lon = t["lat"], t["lon"]
    far = [n for n, (_, _, a, b) in TOWNS.items() if 80 < math.dist((lat, lon), (a, b)) * 111 < 400]
    return rng.choice(sorted(far))


def eq_text(eq: dict[str, int]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(eq.items()))


for t in truth:
    hon = frozenset(t["honorifics"])
    # --- PL's report
    if t["tid"] not in only_jp:
        lat, lon = jitter(t["lat"], t["lon"])
        pl_rows.append(
            {
                "unit_id": pl_id[t["tid"]],
                "designation": format_designation(
                    t["number"],
                    t["echelon"],
                    t["branch"],
                    hon,
                    t["name"],
                    lang="pl",
                    abbreviated=rng.random() < 0.2,
                ),
                "echelon": "",
                "branch": "",
                "parent_id": pl_id[t["parent"]]
                if t["parent"] and t["parent"] not in only_jp
                else "",
                "lat": lat,
                "lon": lon,
                "place": TOWNS[t["town"]][0],
                "observed_at": f"1938-06-{rng.randint(10, 24):02d}T06:00:00Z",
                "equipment": eq_text(t["equipment"]),
                "strength": t["strength"] or "",
                "source_reliability": rng.choice("ABBBCC"),
                "info_credibility": rng.choice("122233"),
                "sidc": "",
                "notes": "",
            }
        )
    # --- JP's report
    if t["tid"] not in only_pl:
        town = t["town"]
        lat, lon = jitter(t["lat"], t["lon"])
        echelon, branch = t["echelon"], t["branch"]
        eq, strength = dict(t["equipment"]), t["strength"]
        parent = t["parent"]
        observed = f"1938-06-{rng.randint(10, 24):02d}T09:00:00Z"
        if t["tid"] in moved:
            town = town_far_from(t)
            _, _, a, b = TOWNS[town]
            lat, lon = jitter(a, b)
            planted.append(
                {"kind": "location", "pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]], "jp_town": town}
            )
        if t["tid"] in reequipped:
            k = sorted(eq)[0]
            eq[k] = int(eq[k] * rng.choice([0.5, 0.6, 1.5, 1.7]))
            planted.append(
                {"kind": "equipment", "pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]], "item": k}
            )
        if t["tid"] in restrength:
            strength = int(strength * rng.choice([0.6, 0.7, 1.4]))
            planted.append({"kind": "strength", "pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]]})
        if t["tid"] in resub:
            p_e = BY_ID[parent]["echelon"]
            others = sorted(
                u["tid"]
                for u in truth
                if u["echelon"] == p_e and u["tid"] != parent and u["tid"] not in only_pl | only_jp
            )
            parent = rng.choice(others)
            planted.append(
                {
                    "kind": "subordination",
                    "pl": pl_id[t["tid"]],
                    "jp": jp_id[t["tid"]],
                    "jp_parent": jp_id[parent],
                }
            )
        if t["tid"] in reech:
            echelon = "regiment"
            planted.append({"kind": "echelon", "pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]]})
        if t["tid"] in rebranch:
            branch = "infantry"
            planted.append({"kind": "branch", "pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]]})
        if t["tid"] in stale:
            observed = f"1937-{rng.randint(8, 10):02d}-{rng.randint(1, 28):02d}T09:00:00Z"
            planted.append({"kind": "stale", "pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]]})
        jp_rows.append(
            {
                "unit_id": jp_id[t["tid"]],
                "designation": format_designation(
                    t["number"],
                    echelon,
                    branch,
                    hon,
                    t["name"],
                    lang="ja",
                    abbreviated=rng.random() < 0.2,
                ),
                "echelon": "",
                "branch": "",
                "parent_id": jp_id[parent] if parent and parent not in only_pl else "",
                "lat": lat,
                "lon": lon,
                "place": TOWNS[town][1],
                "observed_at": observed,
                "equipment": eq_text(eq),
                "strength": strength or "",
                "source_reliability": rng.choice("ABBCCD"),
                "info_credibility": rng.choice("122334"),
                "sidc": "",
                "notes": "",
            }
        )

for tid in sorted(only_pl):
    planted.append({"kind": "only_ours", "pl": pl_id[tid], "jp": None})
for tid in sorted(only_jp):
    planted.append({"kind": "only_theirs", "pl": None, "jp": jp_id[tid]})

NOTE = "ILLUSTRATIVE demo scenario, not a historical record (tools/make_scenario.py)"
pl_rows[0]["notes"] = NOTE
jp_rows.sort(key=lambda r: r["unit_id"])
jp_rows[0]["notes"] = NOTE
OUT.mkdir(parents=True, exist_ok=True)
for name, rows in (("pl.csv", pl_rows), ("jp.csv", jp_rows)):
    with (OUT / name).open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
crosswalk = [
    {"pl": pl_id[t["tid"]], "jp": jp_id[t["tid"]]}
    for t in truth
    if t["tid"] not in only_pl | only_jp
]
(OUT / "truth.json").write_text(
    json.dumps(
        {
            "note": NOTE,
            "units_in_ground_truth": len(truth),
            "crosswalk": crosswalk,
            "planted": planted,
        },
        ensure_ascii=False,
        indent=1,
    ),
    encoding="utf-8",
)
print(
    f"ground truth {len(truth)} units; PL {len(pl_rows)} rows; JP {len(jp_rows)} rows; {len(planted)} planted"
)
