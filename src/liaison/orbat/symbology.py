"""APP-6D / MIL-STD-2525D symbol identification codes (SIDCs, 20 digits) for land units.

Layout: version (2) · context (1) · standard identity (1) · symbol set (2) · status (1) ·
HQ/task force/dummy (1) · echelon amplifier (2) · entity (6) · modifier 1 (2) · modifier 2 (2).

Liaison draws every formation as a land unit (symbol set 10), aviation formations included, so an
aviation regiment carries the same echelon amplifier as the rifle regiment it is compared with.
Where the standard has no entity for a Soviet arm of 1938, the closest one is used:

- border troops → Security (141700) with sector-1 modifier Border (05);
- NKVD internal troops → Security (141700);
- railway troops → Engineer (140700) with sector-2 modifier Railroad (36);
- cavalry → Reconnaissance/Cavalry/Scout (121300), the same symbol as reconnaissance;
- fighter and bomber aviation → Aviation Fixed Wing (120800): the land unit set has no fighter
  or bomber modifier (those live in the air symbol set, which has no echelon amplifiers);
  assault aviation adds sector-1 modifier Attack (03);
- airborne and mountain → Infantry (121100) with sector-2 modifiers Airborne (01) and Mountain (27);
- chemical troops → CBRN Defence (140100); naval infantry → Infantry, Amphibious (121101);
- fronts and armies without a branch → Combined Arms (121000).
"""

from __future__ import annotations

from liaison.names.vocab import norm_branch, norm_echelon

VERSION = "10"  # APP-6D / MIL-STD-2525D
VERSIONS = {"10": "APP-6D/2525D", "11": "2525D change 1", "13": "2525E", "14": "APP-6E"}
LAND_UNIT = "10"

CONTEXT = {"reality": "0", "exercise": "1", "simulation": "2"}
IDENTITY = {
    "pending": "0",
    "unknown": "1",
    "assumed_friend": "2",
    "friend": "3",
    "neutral": "4",
    "suspect": "5",
    "hostile": "6",
}
STATUS = {
    "present": "0",
    "planned": "1",
    "fully_capable": "2",
    "damaged": "3",
    "destroyed": "4",
    "full_to_capacity": "5",
}
HQ_TF_DUMMY = {
    "0": "not applicable",
    "1": "feint/dummy",
    "2": "headquarters",
    "3": "feint/dummy headquarters",
    "4": "task force",
    "5": "feint/dummy task force",
    "6": "task force headquarters",
    "7": "feint/dummy task force headquarters",
}
SYMBOL_SETS = {
    "00": "unknown",
    "01": "air",
    "02": "air missile",
    "05": "space",
    "06": "space missile",
    "10": "land unit",
    "11": "land civilian unit/organisation",
    "15": "land equipment",
    "20": "land installation",
    "25": "control measure",
    "27": "dismounted individual",
    "30": "sea surface",
    "35": "sea subsurface",
    "36": "mine warfare",
    "40": "activity/event",
    "45": "atmospheric",
    "46": "oceanographic",
    "47": "meteorological space",
    "50": "signals intelligence space",
    "51": "signals intelligence air",
    "52": "signals intelligence land",
    "53": "signals intelligence surface",
    "54": "signals intelligence subsurface",
    "60": "cyberspace",
}

# Echelon amplifier codes for land units (first digit 1: brigade and below, 2: division and above).
AMPLIFIER = {
    "00": None,
    "11": "team/crew",
    "12": "squad",
    "13": "section",
    "14": "platoon/detachment",
    "15": "company",
    "16": "battalion",
    "17": "regiment",
    "18": "brigade",
    "21": "division",
    "22": "corps",
    "23": "army",
    "24": "front",  # army group / front
    "25": "region/theatre",
    "26": "command",
}
ECHELON_AMPLIFIER = {
    "company": "15",
    "squadron": "16",  # an aviation squadron (eskadrilya) is drawn at battalion/squadron size
    "battalion": "16",
    "regiment": "17",
    "brigade": "18",
    "division": "21",
    "corps": "22",
    "army": "23",
    "front": "24",
}
_AMPLIFIER_ECHELON = {
    "15": "company",
    "16": "battalion",
    "17": "regiment",
    "18": "brigade",
    "21": "division",
    "22": "corps",
    "23": "army",
    "24": "front",
}

# The land unit entities Liaison uses or meets often (symbol set 10), code → name in the standard.
ENTITIES = {
    "000000": "unspecified",
    "110000": "Command and Control",
    "111000": "Signal",
    "120400": "Antitank/Antiarmour",
    "120500": "Armour/Armoured/Mechanised/Self-Propelled/Tracked",
    "120600": "Army Aviation/Aviation Rotary Wing",
    "120700": "Aviation Composite",
    "120800": "Aviation Fixed Wing",
    "120801": "Aviation Fixed Wing, Reconnaissance",
    "120900": "Combat",
    "121000": "Combined Arms",
    "121100": "Infantry",
    "121101": "Infantry, Amphibious",
    "121102": "Infantry, Armoured/Mechanised/Tracked",
    "121103": "Infantry, Main Gun System",
    "121104": "Infantry, Motorised",
    "121105": "Infantry, Infantry Fighting Vehicle",
    "121200": "Observer",
    "121300": "Reconnaissance/Cavalry/Scout",
    "121700": "Special Forces",
    "130100": "Air Defence",
    "130300": "Field Artillery",
    "130301": "Field Artillery, Self-Propelled",
    "130800": "Mortar",
    "140100": "Chemical, Biological, Radiological and Nuclear Defence",
    "140700": "Engineer",
    "140701": "Engineer, Mechanised",
    "140702": "Engineer, Motorised",
    "141200": "Military Police",
    "141700": "Security",
    "151000": "Military Intelligence",
    "160000": "Sustainment",
    "161300": "Medical",
    "163600": "Transportation",
}
MODIFIER1 = {"00": None, "03": "Attack", "05": "Border", "07": "Chemical", "84": "Assault"}
MODIFIER2 = {"00": None, "01": "Airborne", "27": "Mountain", "31": "Pack Animal", "36": "Railroad"}

# branch (names/vocab.py) → (entity, modifier 1, modifier 2)
BRANCH_SYMBOL: dict[str | None, tuple[str, str, str]] = {
    None: ("121000", "00", "00"),
    "combined_arms": ("121000", "00", "00"),
    "infantry": ("121100", "00", "00"),
    "naval_infantry": ("121101", "00", "00"),
    "mechanised": ("121102", "00", "00"),
    "motorised": ("121104", "00", "00"),
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
    "aviation_assault": ("120800", "03", "00"),
    "engineers": ("140700", "00", "00"),
    "railway": ("140700", "00", "36"),
    "signals": ("111000", "00", "00"),
    "chemical": ("140100", "00", "00"),
    "border_troops": ("141700", "05", "00"),
    "internal_troops": ("141700", "00", "00"),
}
ENTITY = BRANCH_SYMBOL  # the older name, kept for callers
# symbol → the branch it stands for when read back (the first branch listed wins)
_SYMBOL_BRANCH: dict[tuple[str, str, str], str] = {}
for _b, _sym in BRANCH_SYMBOL.items():
    if _b is not None:
        _SYMBOL_BRANCH.setdefault(_sym, _b)


def compose_sidc(
    *,
    identity: str = "6",
    symbol_set: str = LAND_UNIT,
    amplifier: str = "00",
    entity: str = "000000",
    modifier1: str = "00",
    modifier2: str = "00",
    context: str = "0",
    status: str = "0",
    hq_tf_dummy: str = "0",
    version: str = VERSION,
) -> str:
    """Assemble a SIDC from its coded fields and check it."""
    sidc = (
        f"{version}{context}{identity}{symbol_set}{status}{hq_tf_dummy}"
        f"{amplifier}{entity}{modifier1}{modifier2}"
    )
    validate_sidc(sidc)
    return sidc


def derive_sidc(
    echelon: str | None,
    branch: str | None,
    identity: str = "hostile",
    *,
    hq: bool = False,
    status: str = "present",
) -> str:
    """The 20-digit SIDC for a land unit of this echelon and branch (vocabulary or synonyms)."""
    if identity not in IDENTITY:
        raise ValueError(f"unknown standard identity {identity!r} (known: {', '.join(IDENTITY)})")
    if status not in STATUS:
        raise ValueError(f"unknown status {status!r} (known: {', '.join(STATUS)})")
    amp = "00"
    if echelon:
        try:
            e = norm_echelon(echelon)
        except ValueError as exc:
            raise ValueError(f"no echelon amplifier for {echelon!r}") from exc
        amp = ECHELON_AMPLIFIER[e]
    b: str | None = None
    if branch:
        try:
            b = norm_branch(branch)
        except ValueError as exc:
            raise ValueError(f"no symbol for branch {branch!r}") from exc
    entity, m1, m2 = BRANCH_SYMBOL[b]
    return compose_sidc(
        identity=IDENTITY[identity],
        amplifier=amp,
        entity=entity,
        modifier1=m1,
        modifier2=m2,
        status=STATUS[status],
        hq_tf_dummy="2" if hq else "0",
    )


def validate_sidc(sidc: str, *, strict: bool = False) -> None:
    """Check a 20-digit SIDC field by field; ValueError names the first bad field.

    `strict` also requires a land unit's entity and modifiers to be ones listed in this module
    (the standard has many more; the default accepts any six-digit entity).
    """
    if not isinstance(sidc, str) or len(sidc) != 20 or not sidc.isdigit():
        raise ValueError(f"a SIDC is 20 digits, got {sidc!r}")
    if sidc[0:2] not in VERSIONS:
        raise ValueError(
            f"SIDC version {sidc[0:2]} is not APP-6D/2525D or later ({', '.join(VERSIONS)})"
        )
    if sidc[2] not in CONTEXT.values():
        raise ValueError(f"SIDC context {sidc[2]} is not 0 reality, 1 exercise or 2 simulation")
    if sidc[3] not in IDENTITY.values():
        raise ValueError(f"SIDC standard identity {sidc[3]} is not 0–6")
    if sidc[4:6] not in SYMBOL_SETS:
        raise ValueError(f"SIDC symbol set {sidc[4:6]} is not a defined symbol set")
    if sidc[6] not in STATUS.values():
        raise ValueError(f"SIDC status {sidc[6]} is not 0–5")
    if sidc[7] not in HQ_TF_DUMMY:
        raise ValueError(f"SIDC headquarters/task force/dummy {sidc[7]} is not 0–7")
    if sidc[4:6] == LAND_UNIT:
        if sidc[8:10] not in AMPLIFIER:
            raise ValueError(f"SIDC echelon amplifier {sidc[8:10]} is not a land unit echelon")
        if sidc[10:12] == "00" and sidc[10:16] != "000000":
            raise ValueError(f"SIDC entity {sidc[10:16]} has no entity part")
        if strict:
            if sidc[10:16] not in ENTITIES:
                raise ValueError(f"SIDC land unit entity {sidc[10:16]} is not one Liaison knows")
            if sidc[16:18] not in MODIFIER1:
                raise ValueError(f"SIDC sector-1 modifier {sidc[16:18]} is not one Liaison knows")
            if sidc[18:20] not in MODIFIER2:
                raise ValueError(f"SIDC sector-2 modifier {sidc[18:20]} is not one Liaison knows")


def is_valid_sidc(sidc: str, *, strict: bool = False) -> bool:
    try:
        validate_sidc(sidc, strict=strict)
    except ValueError:
        return False
    return True


def parse_sidc(sidc: str) -> dict[str, str]:
    """The SIDC's coded fields, plus readable names and, for land units, echelon and branch.

    `echelon` and `branch` are Liaison vocabulary ("" when the code has no equivalent); several
    branches share one symbol (fighter, bomber and general aviation), so the branch read back is
    the first one listed for that symbol.
    """
    validate_sidc(sidc)
    identity_names = {v: k for k, v in IDENTITY.items()}
    status_names = {v: k for k, v in STATUS.items()}
    context_names = {v: k for k, v in CONTEXT.items()}
    out = {
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
        "context_name": context_names[sidc[2]],
        "identity_name": identity_names[sidc[3]],
        "symbol_set_name": SYMBOL_SETS[sidc[4:6]],
        "status_name": status_names[sidc[6]],
        "hq_tf_dummy_name": HQ_TF_DUMMY[sidc[7]],
        "echelon": "",
        "branch": "",
        "entity_name": "",
    }
    if sidc[4:6] == LAND_UNIT:
        out["echelon"] = _AMPLIFIER_ECHELON.get(sidc[8:10], "")
        out["entity_name"] = ENTITIES.get(sidc[10:16], "")
        out["branch"] = _SYMBOL_BRANCH.get((sidc[10:16], sidc[16:18], sidc[18:20]), "")
    return out


def to_identity(sidc: str, identity: str) -> str:
    """The same symbol with another standard identity (a name like "friend" or a digit 0–6)."""
    validate_sidc(sidc)
    digit = IDENTITY.get(identity, identity)
    if digit not in IDENTITY.values():
        raise ValueError(f"unknown standard identity {identity!r} (known: {', '.join(IDENTITY)})")
    return sidc[:3] + digit + sidc[4:]


# ---- 2525C (15-character letter codes) ------------------------------------------------------------
# Ground unit function ids (positions 5–10, dashes stripped) → (entity, modifier 1, modifier 2).
_LEGACY_FUNCTION: dict[str, tuple[str, str, str]] = {
    "U": ("000000", "00", "00"),
    "UC": ("120900", "00", "00"),  # combat
    "UCI": BRANCH_SYMBOL["infantry"],
    "UCIL": BRANCH_SYMBOL["infantry"],  # light infantry
    "UCIM": BRANCH_SYMBOL["motorised"],
    "UCIZ": BRANCH_SYMBOL["mechanised"],
    "UCII": ("121105", "00", "00"),  # infantry fighting vehicle
    "UCIO": BRANCH_SYMBOL["mountain"],
    "UCIA": BRANCH_SYMBOL["airborne"],
    "UCIN": BRANCH_SYMBOL["naval_infantry"],
    "UCA": BRANCH_SYMBOL["armour"],
    "UCAA": ("120400", "00", "00"),  # anti-armour
    "UCR": BRANCH_SYMBOL["reconnaissance"],
    "UCRH": BRANCH_SYMBOL["cavalry"],  # horse reconnaissance
    "UCRV": BRANCH_SYMBOL["cavalry"],  # cavalry
    "UCF": BRANCH_SYMBOL["artillery"],
    "UCFM": ("130800", "00", "00"),  # mortar
    "UCD": BRANCH_SYMBOL["air_defence"],
    "UCE": BRANCH_SYMBOL["engineers"],
    "UCV": BRANCH_SYMBOL["aviation"],
    "UCVF": BRANCH_SYMBOL["aviation"],  # fixed wing
    "UCVR": ("120600", "00", "00"),  # rotary wing
    "UCS": BRANCH_SYMBOL["internal_troops"],  # internal security forces
    "UUA": BRANCH_SYMBOL["chemical"],  # CBRN
    "UUS": BRANCH_SYMBOL["signals"],
    "UUM": ("151000", "00", "00"),  # military intelligence
    "UUL": ("141200", "00", "00"),  # law enforcement / military police
}
_LEGACY_ECHELON = {
    "-": "00",
    "*": "00",
    "A": "11",
    "B": "12",
    "C": "13",
    "D": "14",
    "E": "15",
    "F": "16",
    "G": "17",
    "H": "18",
    "I": "21",
    "J": "22",
    "K": "23",
    "L": "24",
    "M": "25",
    "N": "26",
}
# affiliation letter → (context, standard identity)
_LEGACY_IDENTITY = {
    "P": ("0", "0"),
    "U": ("0", "1"),
    "A": ("0", "2"),
    "F": ("0", "3"),
    "N": ("0", "4"),
    "S": ("0", "5"),
    "H": ("0", "6"),
    "G": ("1", "0"),
    "W": ("1", "1"),
    "M": ("1", "2"),
    "D": ("1", "3"),
    "L": ("1", "4"),
    "J": ("1", "5"),  # joker
    "K": ("1", "6"),  # faker
}
_LEGACY_STATUS = {"P": "0", "A": "1", "C": "2", "D": "3", "X": "4", "F": "5", "-": "0", "*": "0"}
_LEGACY_HQ = {
    "A": "2",
    "B": "6",
    "C": "3",
    "D": "7",
    "E": "4",
    "F": "1",
    "G": "5",
    "-": "0",
    "*": "0",
}


def convert_legacy_sidc(code: str) -> str:
    """A 2525C letter SIDC for a ground unit ('SHGPUCI----D---') → the 20-digit form.

    Covers the common combat, combat support and command cases; anything else raises ValueError
    rather than guessing a symbol.
    """
    c = code.strip().upper().replace("*", "-")
    if len(c) == 10:
        c += "-----"
    if len(c) != 15 or c[0] != "S" or c[2] != "G" or c[4] != "U":
        raise ValueError(f"not a 2525C ground unit SIDC: {code!r}")
    if c[1] not in _LEGACY_IDENTITY:
        raise ValueError(f"2525C affiliation {c[1]!r} unknown in {code!r}")
    if c[3] not in _LEGACY_STATUS:
        raise ValueError(f"2525C status {c[3]!r} unknown in {code!r}")
    func = c[4:10].rstrip("-")
    # the longest listed prefix of at least three letters ("UCATL" → "UCA"), or "U"/"UC" exactly
    prefixes = [func[:n] for n in range(len(func), 2, -1)] + [func]
    symbol = next((_LEGACY_FUNCTION[p] for p in prefixes if p in _LEGACY_FUNCTION), None)
    if symbol is None:
        raise ValueError(f"2525C function {func!r} has no mapping here")
    if c[10] not in _LEGACY_HQ:
        raise ValueError(f"2525C symbol modifier {c[10]!r} is not a unit headquarters/task force")
    if c[11] not in _LEGACY_ECHELON:
        raise ValueError(f"2525C echelon {c[11]!r} unknown in {code!r}")
    context, identity = _LEGACY_IDENTITY[c[1]]
    entity, m1, m2 = symbol
    return compose_sidc(
        identity=identity,
        context=context,
        status=_LEGACY_STATUS[c[3]],
        hq_tf_dummy=_LEGACY_HQ[c[10]],
        amplifier=_LEGACY_ECHELON[c[11]],
        entity=entity,
        modifier1=m1,
        modifier2=m2,
    )
