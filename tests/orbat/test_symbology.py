"""SIDCs: structure always; drawability by the vendored milsymbol when Node.js is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from liaison.names.vocab import BRANCHES, ECHELONS
from liaison.orbat.symbology import (
    BRANCH_SYMBOL,
    ECHELON_AMPLIFIER,
    ENTITIES,
    MODIFIER1,
    MODIFIER2,
    compose_sidc,
    convert_legacy_sidc,
    derive_sidc,
    is_valid_sidc,
    parse_sidc,
    to_identity,
    validate_sidc,
)

MILSYMBOL = Path(__file__).parents[2] / "src/liaison/web/static/vendor/milsymbol/milsymbol.js"
CASES = [(e, b) for e in ECHELONS for b in (None, *BRANCHES)]
# milsymbol's name for each echelon amplifier Liaison emits
MS_ECHELON = {
    "15": "Company/battery/troop",
    "16": "Battalion/squadron",
    "17": "Regiment/group",
    "18": "Brigade",
    "21": "Division",
    "22": "Corps/MEF",
    "23": "Army",
    "24": "Army Group/front",
}


@pytest.mark.parametrize(("echelon", "branch"), CASES)
def test_every_echelon_and_branch_has_a_valid_sidc(echelon: str, branch: str | None) -> None:
    s = derive_sidc(echelon, branch)
    validate_sidc(s, strict=True)
    f = parse_sidc(s)
    assert (f["version"], f["context"], f["identity"], f["symbol_set"]) == ("10", "0", "6", "10")
    assert f["status"] == "0" and f["hq_tf_dummy"] == "0"
    assert f["amplifier"] == ECHELON_AMPLIFIER[echelon]
    assert f["entity"] in ENTITIES and f["entity_name"]
    assert f["echelon"] == ("battalion" if echelon == "squadron" else echelon)
    assert (f["entity"], f["modifier1"], f["modifier2"]) == BRANCH_SYMBOL[branch]


def test_the_codes_of_the_standard() -> None:
    amp = {e: parse_sidc(derive_sidc(e, "infantry"))["amplifier"] for e in ECHELONS}
    assert amp == {
        "front": "24",
        "army": "23",
        "corps": "22",
        "division": "21",
        "brigade": "18",
        "regiment": "17",
        "battalion": "16",
        "squadron": "16",
        "company": "15",
    }
    assert derive_sidc("division", "infantry") == "10061000211211000000"
    assert derive_sidc("brigade", "armour") == "10061000181205000000"
    assert derive_sidc("division", "mechanised")[10:16] == "121102"
    assert derive_sidc("division", "motorised")[10:16] == "121104"
    assert derive_sidc("regiment", "aviation_fighter")[10:16] == "120800"
    assert derive_sidc("regiment", "aviation_assault")[10:18] == "12080003"
    assert derive_sidc("battalion", "border_troops")[10:18] == "14170005"
    assert derive_sidc("regiment", "railway")[10:20] == "1407000036"
    assert derive_sidc("brigade", "airborne")[16:20] == "0001"
    assert derive_sidc("division", "mountain")[16:20] == "0027"
    assert derive_sidc("front", None)[8:16] == "24121000"
    assert derive_sidc("army", "combined_arms")[8:16] == "23121000"


def test_synonyms_identity_status_and_headquarters() -> None:
    assert derive_sidc("Division", "rifle") == derive_sidc("division", "infantry")
    assert derive_sidc("air army", "air")[8:16] == "23120800"
    assert derive_sidc("army_group", None)[8:10] == "24"
    assert derive_sidc("division", "tank", "friend")[3] == "3"
    assert derive_sidc("division", "infantry", "neutral")[3] == "4"
    assert derive_sidc("division", "infantry", "unknown")[3] == "1"
    assert derive_sidc("army", None, hq=True)[7] == "2"
    assert derive_sidc("army", None, status="planned")[6] == "1"
    assert derive_sidc(None, "infantry")[8:10] == "00"
    for bad in ({"echelon": "platoonish"}, {"branch": "dragoons"}, {"identity": "ally"}):
        args = {"echelon": "division", "branch": "infantry", **bad}
        with pytest.raises(ValueError, match=next(iter(bad)) if "branch" not in bad else "branch"):
            derive_sidc(args["echelon"], args["branch"], args.get("identity", "hostile"))
    with pytest.raises(ValueError, match="status"):
        derive_sidc("division", "infantry", status="lost")


def test_to_identity() -> None:
    s = derive_sidc("division", "infantry")
    assert to_identity(s, "friend") == "10031000211211000000"
    assert to_identity(s, "4")[3] == "4"
    assert to_identity(to_identity(s, "friend"), "hostile") == s
    with pytest.raises(ValueError, match="identity"):
        to_identity(s, "ally")
    with pytest.raises(ValueError, match="20 digits"):
        to_identity("123", "friend")


@pytest.mark.parametrize(
    ("sidc", "reason"),
    [
        ("1234", "20 digits"),
        ("1006100021121100000X", "20 digits"),
        ("1006100021121100000", "20 digits"),
        ("09061000211211000000", "version"),
        ("10961000211211000000", "context"),
        ("10081000211211000000", "standard identity"),
        ("10069900211211000000", "symbol set"),
        ("10061090211211000000", "status"),
        ("10061009211211000000", "headquarters"),
        ("10061000991211000000", "echelon amplifier"),
        ("10061000210011000000", "entity"),
    ],
)
def test_validate_names_the_bad_field(sidc: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        validate_sidc(sidc)
    assert not is_valid_sidc(sidc)


def test_strict_validation_knows_its_tables() -> None:
    odd = "10061000211299000000"  # a six-digit entity the standard may have, Liaison does not list
    validate_sidc(odd)
    with pytest.raises(ValueError, match="entity"):
        validate_sidc(odd, strict=True)
    with pytest.raises(ValueError, match="sector-1"):
        validate_sidc("10061000211211009900", strict=True)
    with pytest.raises(ValueError, match="sector-2"):
        validate_sidc("10061000211211000099", strict=True)
    air = "10060100001101040000"  # symbol set 01 (air): no echelon rule applies
    assert parse_sidc(air)["symbol_set_name"] == "air" and parse_sidc(air)["echelon"] == ""


def test_parse_reads_back_echelon_and_branch() -> None:
    for b in ("infantry", "armour", "cavalry", "artillery", "border_troops", "railway", "mountain"):
        f = parse_sidc(derive_sidc("regiment", b, hq=True))
        assert f["branch"] == b and f["echelon"] == "regiment"
        assert f["hq_tf_dummy_name"] == "headquarters"
    assert parse_sidc(derive_sidc("regiment", "aviation_bomber"))["branch"] == "aviation"
    assert parse_sidc(derive_sidc("front", None))["branch"] == "combined_arms"


@pytest.mark.parametrize(
    ("legacy", "want"),
    [
        ("SHGPUCI----I---", derive_sidc("division", "infantry")),
        ("SHGPUCI----IRU-", derive_sidc("division", "infantry")),  # country code ignored
        ("SFGPUCA----H---", derive_sidc("brigade", "armour", "friend")),
        ("SHGPUCIZ---H---", derive_sidc("brigade", "mechanised")),
        ("SHGPUCIM---G---", derive_sidc("regiment", "motorised")),
        ("SHGPUCATL--F---", derive_sidc("battalion", "armour")),  # tracked light armour → armour
        ("SHGPUCRH---G---", derive_sidc("regiment", "cavalry")),
        ("SHGPUCF----G---", derive_sidc("regiment", "artillery")),
        ("SHGPUCD----F---", derive_sidc("battalion", "air_defence")),
        ("SHGPUCE----F---", derive_sidc("battalion", "engineers")),
        ("SHGPUCVF---G---", derive_sidc("regiment", "aviation")),
        ("SHGPUCIA---I---", derive_sidc("division", "airborne")),
        ("SHGPUCIO---G---", derive_sidc("regiment", "mountain")),
        ("SHGPUUS----F---", derive_sidc("battalion", "signals")),
        ("SHGPUUA----E---", derive_sidc("company", "chemical")),
        ("SHGPU-----AK---", derive_sidc("army", None, hq=True)[:10] + "0000000000"),
        ("SUGAUCI----I---", derive_sidc("division", "infantry", "unknown", status="planned")),
        ("shgpuci----i---", derive_sidc("division", "infantry")),
        ("SHG*UCI---*J***", derive_sidc("corps", "infantry")),
    ],
)
def test_legacy_2525c_conversion(legacy: str, want: str) -> None:
    assert convert_legacy_sidc(legacy) == want


def test_legacy_exercise_and_errors() -> None:
    assert convert_legacy_sidc("SDGPUCI----I---")[2:4] == "13"  # exercise friend
    assert convert_legacy_sidc("SKGPUCI----I---")[2:4] == "16"  # faker
    for bad, reason in [
        ("SHAPMF---------", "ground unit"),
        ("SHGPEVAT-------", "ground unit"),  # equipment, not a unit
        ("SHGPUCI----", "ground unit"),
        ("SHGPUZZZ---I---", "no mapping"),
        ("SQGPUCI----I---", "affiliation"),
        ("SHGPUCI----Z---", "echelon"),
    ]:
        with pytest.raises(ValueError, match=reason):
            convert_legacy_sidc(bad)


def test_compose_checks_what_it_builds() -> None:
    assert compose_sidc(amplifier="21", entity="121100") == derive_sidc("division", "infantry")
    with pytest.raises(ValueError, match="amplifier"):
        compose_sidc(amplifier="77", entity="121100")
    assert set(MODIFIER1) >= {m for _, m, _ in BRANCH_SYMBOL.values()}
    assert set(MODIFIER2) >= {m for _, _, m in BRANCH_SYMBOL.values()}


NODE_SCRIPT = """
const ms = require(process.argv[1]);
const out = {};
for (const s of JSON.parse(process.argv[2])) {
  const sym = new ms.Symbol(s, {size: 30});
  const v = sym.isValid(true);
  out[s] = {icon: v.icon, draw: v.drawInstructions, echelon: sym.getMetadata().echelon,
            hq: sym.getMetadata().headquarters, svg: sym.asSVG()};
}
console.log(JSON.stringify(out));
"""


def milsymbol(sidcs: list[str]) -> dict[str, dict]:
    res = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(MILSYMBOL), json.dumps(sorted(set(sidcs)))],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(res.stdout)


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js is not installed: milsymbol drawability not checked (structure is, above)",
)
def test_milsymbol_draws_every_icon_with_its_echelon_and_modifiers() -> None:
    sidcs = {derive_sidc(e, b) for e, b in CASES} | {derive_sidc("army", None, hq=True)}
    # the same frame without the entity subtype, without each modifier, without any entity:
    # a specific icon must draw differently from each of them, or milsymbol fell back silently
    fallbacks: dict[str, list[str]] = {}
    for s in sidcs:
        alts = [s[:10] + "000000" + s[16:]]
        if s[14:16] != "00":
            alts.append(s[:14] + "00" + s[16:])
        if s[16:18] != "00":
            alts.append(s[:16] + "00" + s[18:])
        if s[18:20] != "00":
            alts.append(s[:18] + "00")
        fallbacks[s] = alts
    drawn = milsymbol([*sidcs, *(a for alts in fallbacks.values() for a in alts)])
    for s in sidcs:
        d = drawn[s]
        assert d["icon"] and d["draw"], s
        assert d["echelon"] == MS_ECHELON[s[8:10]], (s, d["echelon"])
        for alt in fallbacks[s]:
            assert d["svg"] != drawn[alt]["svg"], (s, alt)
    assert drawn[derive_sidc("army", None, hq=True)]["hq"] is True
    # the checks can fail: an entity type milsymbol does not know draws no icon, and an
    # unknown subtype falls back to its parent's icon (caught by the comparison above)
    bad = milsymbol(["10061000001299990000", "10061000211299000000", "10061000211211990000"])
    assert bad["10061000001299990000"]["icon"] is False
    assert (
        bad["10061000211211990000"]["svg"]
        == milsymbol(["10061000211211000000"])["10061000211211000000"]["svg"]
    )
