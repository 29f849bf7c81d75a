"""SIDCs: structure always; drawability by the vendored milsymbol when Node is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from liaison.names.vocab import BRANCHES, ECHELONS
from liaison.orbat.symbology import (
    convert_legacy_sidc,
    derive_sidc,
    parse_sidc,
    to_identity,
    validate_sidc,
)

MILSYMBOL = Path(__file__).parents[2] / "src/liaison/web/static/vendor/milsymbol/milsymbol.js"


def all_sidcs() -> list[str]:
    return [derive_sidc(e, b) for e in ECHELONS for b in BRANCHES]


def test_every_echelon_and_branch_has_a_valid_sidc() -> None:
    for e in ECHELONS:
        for b in BRANCHES:
            s = derive_sidc(e, b)
            validate_sidc(s)
            f = parse_sidc(s)
            assert f["identity"] == "6" and f["symbol_set"] == "10"
    assert parse_sidc(derive_sidc("division", "infantry"))["amplifier"] == "21"
    assert parse_sidc(derive_sidc("front", None))["amplifier"] == "24"
    assert parse_sidc(derive_sidc("regiment", "armour"))["entity"] == "120500"


def test_identity_and_bad_input() -> None:
    s = derive_sidc("division", "infantry")
    assert to_identity(s, "friend")[3] == "3"
    with pytest.raises(ValueError, match="20 digits"):
        validate_sidc("1234")
    with pytest.raises(ValueError, match="branch"):
        derive_sidc("division", "dragoons")


def test_legacy_2525c_conversion() -> None:
    assert convert_legacy_sidc("SHGPUCI----I---") == derive_sidc("division", "infantry")
    assert convert_legacy_sidc("SFGPUCA----H---") == derive_sidc("brigade", "armour", "friend")
    with pytest.raises(ValueError):
        convert_legacy_sidc("SHAPMF---------")


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js is not installed: milsymbol drawability not checked",
)
def test_milsymbol_draws_every_icon() -> None:
    script = (
        f"const ms=require({json.dumps(str(MILSYMBOL))});"
        "const out={};for(const s of JSON.parse(process.argv[1])){const v=new ms.Symbol(s,{size:30}).isValid(true);"
        "out[s]=v.icon&&v.drawInstructions;}console.log(JSON.stringify(out));"
    )
    sidcs = sorted(set(all_sidcs()))
    res = subprocess.run(
        ["node", "-e", script, json.dumps(sidcs)], capture_output=True, text=True, check=True
    )
    drawn = json.loads(res.stdout)
    assert len(drawn) == len(sidcs)
    assert all(drawn.values()), [s for s, ok in drawn.items() if not ok]
    bad = subprocess.run(
        ["node", "-e", script, json.dumps(["10061000001299990000"])], capture_output=True, text=True
    )
    assert json.loads(bad.stdout) == {"10061000001299990000": False}  # the check can fail
