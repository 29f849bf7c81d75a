"""APP-6D / MIL-STD-2525D symbol identification codes (20 digits) for land units.

Layout: version (2) · context (1) · standard identity (1) · symbol set (2) · status (1) ·
HQ/task force/dummy (1) · echelon amplifier (2) · entity (6) · modifier 1 (2) · modifier 2 (2).
Liaison draws every formation as a land unit (symbol set 10), aviation formations included, so
they carry echelon amplifiers like the ground units they are compared with. Where the standard has
no entity for a Soviet arm, the closest is used and named here:
- border troops → Security (141700); NKVD internal troops → Military Police (141200);
- railway troops → Engineer (140700); fighter/bomber/assault aviation → Aviation Fixed Wing (120800);
- airborne and mountain → Infantry with sector-2 modifiers Airborne (01) and Mountain (27);
- cavalry and reconnaissance → Reconnaissance/Cavalry/Scout (121300).
"""

from __future__ import annotations

VERSION = "10"
LAND_UNIT = "10"
IDENTITY = {
    "pending": "0",
    "unknown": "1",
    "assumed_friend": "2",
    "friend": "3",
    "neutral": "4",
    "suspect": "5",
    "hostile": "6",
}
STATUS = {"present": "0", "planned": "1"}
ECHELON_AMPLIFIER = {
    "company": "15",
    "squadron": "16",
    "battalion": "16",
    "regiment": "17",
    "brigade": "18",
    "division": "21",
    "corps": "22",
    "army": "23",
    "front": "24",
}
# branch → (entity, modifier 1, modifier 2)
ENTITY: dict[str | None, tuple[str, str, str]] = {
    None: ("121000", "00", "00"),  # combined arms
    "combined_arms": ("121000", "00", "00"),
    "infantry": ("121100", "00", "00"),
    "naval_infantry": ("121101", "00", "00"),  # infantry, amphibious
    "mechanised": ("121102", "00", "00"),  # infantry, armoured/mechanised/tracked
    "motorised": ("121104", "00", "00"),  # infantry, motorised
    "armour": ("120500", "00", "00"),
    "cavalry": ("121300", "00", "00"),
    "reconnaissance": ("121300", "00", "00"),
    "airborne": ("121100", "00", "01"),
    "mountain": ("121100", "00", "27"),
    "artillery": ("130300", "00", "00"),
    "air_defence": ("130100", "00", "00"),
    "aviation": ("120800", "00", "00"),
    "aviation_fighter": ("120800", "00", "00"),
    "aviation_bomber": ("120800", "00", "00"),
    "aviation_assault": ("120800", "00", "00"),
    "engineers": ("140700", "00", "00"),
    "railway": ("140700", "00", "00"),
    "signals": ("111000", "00", "00"),
    "chemical": ("140100", "00", "00"),
    "border_troops": ("141700", "00", "00"),
    "internal_troops": ("141200", "00", "00"),
}


def derive_sidc(
    echelon: str | None,
    branch: str | None,
    identity: str = "hostile",
    *,
    hq: bool = False,
    status: str = "present",
) -> str:
    """The 20-digit SIDC for a land unit of this echelon and branch."""
    if identity not in IDENTITY:
        raise ValueError(f"unknown standard identity {identity!r}")
    if branch not in ENTITY:
        raise ValueError(f"no symbol for branch {branch!r}")
    if echelon is not None and echelon not in ECHELON_AMPLIFIER:
        raise ValueError(f"no echelon amplifier for {echelon!r}")
    entity, m1, m2 = ENTITY[branch]
    amp = ECHELON_AMPLIFIER.get(echelon or "", "00")
    return f"{VERSION}0{IDENTITY[identity]}{LAND_UNIT}{STATUS[status]}{'2' if hq else '0'}{amp}{entity}{m1}{m2}"


def parse_sidc(sidc: str) -> dict[str, str]:
    validate_sidc(sidc)
    return {
        "version": sidc[0:2],
        "context": sidc[2],
        "identity": sidc[3],
        "symbol_set": sidc[4:6],
        "status": sidc[6],
        "hq_tf_dummy": sidc[7],
        "amplifier": sidc[8:10],
        "entity": sidc[10:16],
        "modifier1": sidc[16:18],
        "modifier2": sidc[18:20],
    }


def validate_sidc(sidc: str) -> None:
    """Structural check of a 20-digit SIDC; raises ValueError naming the bad field."""
    if len(sidc) != 20 or not sidc.isdigit():
        raise ValueError(f"a SIDC is 20 digits, got {sidc!r}")
    if sidc[0:2] not in ("10", "11", "13"):
        raise ValueError(f"SIDC version {sidc[0:2]} is not APP-6D/2525D (10, 11 or 13)")
    if sidc[2] not in "0126":
        raise ValueError(f"SIDC context {sidc[2]} is not reality/exercise/simulation")
    if sidc[3] not in "0123456":
        raise ValueError(f"SIDC standard identity {sidc[3]} is not 0–6")


def to_identity(sidc: str, identity: str) -> str:
    """The same symbol with another standard identity (ours friendly, theirs as they see it)."""
    validate_sidc(sidc)
    return sidc[:3] + IDENTITY[identity] + sidc[4:]


# 2525C (15-character) land unit function ids for the common cases → (branch, echelon letter map)
_LEGACY_FUNCTION = {
    "UCI": "infantry",
    "UCA": "armour",
    "UCR": "cavalry",
    "UCF": "artillery",
    "UCD": "air_defence",
    "UCE": "engineers",
    "USS": "signals",
    "UCV": "aviation",
    "UCIM": "mechanised",
    "UCIZ": "motorised",
}
_LEGACY_ECHELON = {
    "E": "company",
    "F": "battalion",
    "G": "regiment",
    "H": "brigade",
    "I": "division",
    "J": "corps",
    "K": "army",
    "L": "front",
}
_LEGACY_IDENTITY = {
    "H": "hostile",
    "F": "friend",
    "N": "neutral",
    "U": "unknown",
    "S": "suspect",
    "A": "assumed_friend",
    "P": "pending",
}


def convert_legacy_sidc(code: str) -> str:
    """A 2525C letter SIDC for a ground unit ('SHGPUCI----D---') → the 20-digit form."""
    c = code.strip().upper().replace("*", "-")
    if len(c) != 15 or c[0] != "S" or c[2] != "G" or c[4] != "U":
        raise ValueError(f"not a 2525C ground unit SIDC: {code!r}")
    func = c[4:10].rstrip("-")
    branch = _LEGACY_FUNCTION.get(func) or _LEGACY_FUNCTION.get(func[:3])
    if branch is None:
        raise ValueError(f"2525C function {func!r} has no mapping here")
    echelon = _LEGACY_ECHELON.get(c[11])
    identity = _LEGACY_IDENTITY.get(c[1], "unknown")
    return derive_sidc(echelon, branch, identity, hq=c[10] in "AB")
