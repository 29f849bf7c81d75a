"""The canonical vocabularies every parser, importer and matcher agree on.

Echelon is a size level only; whether a formation flies lives in its branch, so an air army is
(army, aviation) and an aviation regiment is (regiment, aviation_fighter) and so on.
"""

from __future__ import annotations

# Largest first; the index is the size rank used for tolerances and hierarchy checks.
ECHELONS: tuple[str, ...] = (
    "front",
    "army",
    "corps",
    "division",
    "brigade",
    "regiment",
    "battalion",
    "squadron",
    "company",
)
ECHELON_RANK = {e: i for i, e in enumerate(ECHELONS)}

BRANCHES: tuple[str, ...] = (
    "combined_arms",
    "infantry",  # rifle / strzelcy / 狙撃 / Schützen
    "cavalry",
    "armour",
    "mechanised",
    "motorised",
    "artillery",
    "air_defence",
    "aviation",
    "aviation_fighter",
    "aviation_bomber",
    "aviation_assault",
    "airborne",
    "engineers",
    "signals",
    "border_troops",
    "mountain",
    "reconnaissance",
    "railway",
    "chemical",
    "naval_infantry",
    "internal_troops",
)
AVIATION = {"aviation", "aviation_fighter", "aviation_bomber", "aviation_assault"}

ECHELON_SYNONYMS = {
    "squadron": "squadron",
    "air_army": "army",
    "aviation_division": "division",
    "aviation_regiment": "regiment",
    "aviation_brigade": "brigade",
    "aviation_corps": "corps",
    "group": "regiment",
    "army_group": "front",
    "district": "front",
}
BRANCH_SYNONYMS = {
    "rifle": "infantry",
    "armor": "armour",
    "tank": "armour",
    "mechanized": "mechanised",
    "motorized": "motorised",
    "engineer": "engineers",
    "signal": "signals",
    "border": "border_troops",
    "fighter": "aviation_fighter",
    "bomber": "aviation_bomber",
    "assault": "aviation_assault",
    "air_defense": "air_defence",
    "air": "aviation",
}


def norm_echelon(text: str) -> str:
    """Canonical echelon for user input ('Division', 'air army'); ValueError if unknown."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    key = ECHELON_SYNONYMS.get(key, key)
    if key not in ECHELON_RANK:
        raise ValueError(f"unknown echelon {text!r} (known: {', '.join(ECHELONS)})")
    return key


def norm_branch(text: str) -> str:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    key = BRANCH_SYNONYMS.get(key, key)
    if key.startswith("aviation_") and key.removeprefix("aviation_") in BRANCH_SYNONYMS:
        key = BRANCH_SYNONYMS[key.removeprefix("aviation_")]
    if key not in BRANCHES:
        raise ValueError(f"unknown branch {text!r} (known: {', '.join(BRANCHES)})")
    return key
