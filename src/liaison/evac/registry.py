"""Registry of persons and families, read from and written to CSV all-or-nothing.

Every problem in a file is reported (file, line, column) before anything is accepted. Export
needs a role; every listing is written to the audit log when a store connection is given.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Connection

from liaison.core.cells import neutralise_row, unneutralise
from liaison.core.errors import SecurityError, ValidationError
from liaison.evac.translit import to_icao

COLUMNS = [
    "person_id",
    "surname",
    "given_names",
    "surname_icao",
    "given_names_icao",
    "birth_date",
    "birth_place",
    "nationality",
    "documents",
    "languages",
    "family_id",
    "guardian_id",
    "status",
]
REQUIRED = ("person_id", "surname", "given_names", "birth_date")
STATUSES = ("registered", "documented", "travelling", "arrived", "withdrawn")
EXPORT_ROLES = frozenset({"registrar", "admin"})


@dataclass
class Person:
    person_id: str
    surname: str
    given_names: str
    birth_date: date
    surname_icao: str = ""
    given_names_icao: str = ""
    birth_place: str = ""
    nationality: str = ""
    documents: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    family_id: str = ""
    guardian_id: str = ""
    status: str = "registered"

    def __post_init__(self) -> None:
        self.surname_icao = self.surname_icao or to_icao(self.surname)
        self.given_names_icao = self.given_names_icao or to_icao(self.given_names)

    def is_minor(self, on: date) -> bool:
        b = self.birth_date
        return (on.year - b.year - ((on.month, on.day) < (b.month, b.day))) < 18


def read_csv(path: Path, known: set[str] | frozenset[str] = frozenset()) -> list[Person]:
    """Parse and check a whole file; raise ValidationError listing every problem, else persons.

    A guardian must be in the file or among `known` ids (the registry the file goes into)."""
    return read_csv_lines(path, known)[0]


def read_csv_lines(
    path: Path, known: set[str] | frozenset[str] = frozenset()
) -> tuple[list[Person], dict[str, int]]:
    """As `read_csv`, with each person's line number (for errors found later, against a store)."""
    problems: list[str] = []
    persons: list[Person] = []
    line_of: dict[str, int] = {}
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path}: cannot read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"{path}: line 1: missing columns {', '.join(missing)}")
    unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
    if unknown:
        problems.append(f"{path}: line 1: unknown columns {', '.join(unknown)}")
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        # cells our own export neutralised (`'=…`) read back as they were written
        row = {k: unneutralise(v) if isinstance(v, str) else v for k, v in row.items()}
        bad = False
        for col in REQUIRED:
            if not (row.get(col) or "").strip():
                problems.append(f"{path}: line {line}: column {col}: empty")
                bad = True
        pid = (row.get("person_id") or "").strip()
        if pid in seen:
            problems.append(f"{path}: line {line}: column person_id: duplicate {pid!r}")
        seen.add(pid)
        try:
            born = date.fromisoformat((row.get("birth_date") or "").strip())
        except ValueError:
            if (row.get("birth_date") or "").strip():
                problems.append(
                    f"{path}: line {line}: column birth_date: not a date YYYY-MM-DD "
                    f"({row.get('birth_date')!r})"
                )
            bad = True
        status = (row.get("status") or "registered").strip()
        if status not in STATUSES:
            problems.append(f"{path}: line {line}: column status: {status!r} not one of {STATUSES}")
            bad = True
        if bad:
            continue
        line_of[pid] = line
        persons.append(
            Person(
                person_id=pid,
                surname=row["surname"].strip(),
                given_names=row["given_names"].strip(),
                birth_date=born,
                surname_icao=(row.get("surname_icao") or "").strip(),
                given_names_icao=(row.get("given_names_icao") or "").strip(),
                birth_place=(row.get("birth_place") or "").strip(),
                nationality=(row.get("nationality") or "").strip(),
                documents=[d for d in (row.get("documents") or "").split(";") if d],
                languages=[d for d in (row.get("languages") or "").split(";") if d],
                family_id=(row.get("family_id") or "").strip(),
                guardian_id=(row.get("guardian_id") or "").strip(),
                status=status,
            )
        )
    for p in persons:
        if p.guardian_id and p.guardian_id not in seen and p.guardian_id not in known:
            problems.append(
                f"{path}: line {line_of[p.person_id]}: column guardian_id: unknown person "
                f"{p.guardian_id!r}"
            )
    if problems:
        raise ValidationError(f"{path}: {len(problems)} problem(s); nothing imported", problems)
    return persons, line_of


def unaccompanied(persons: list[Person], on: date) -> list[Person]:
    """Minors with no adult in their family and no guardian named: they need one before travel."""
    adults_by_family = {p.family_id for p in persons if p.family_id and not p.is_minor(on)}
    return [
        p
        for p in persons
        if p.is_minor(on) and not p.guardian_id and p.family_id not in adults_by_family
    ]


def list_persons(
    persons: list[Person], actor: str, conn: Connection | None = None, purpose: str = "list"
) -> list[Person]:
    """Every listing of persons leaves an audit entry (who, how many, why)."""
    if conn is not None:
        from liaison.store import audit

        audit.record(
            conn, actor, f"evac.persons.{purpose}", "evac.persons", {"count": len(persons)}
        )
    return persons


def write_rows(persons: list[Person], out: io.StringIO) -> None:
    """The persons CSV (the import format), one row per person."""
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for p in persons:
        row = asdict(p)
        row["birth_date"] = p.birth_date.isoformat()
        row["documents"] = ";".join(p.documents)
        row["languages"] = ";".join(p.languages)
        w.writerow(neutralise_row(row))


def write_csv(
    persons: list[Person], path: Path, *, actor: str, role: str, conn: Connection | None = None
) -> int:
    """Export persons; only registrars and admins may, and the export is audited."""
    if role not in EXPORT_ROLES:
        raise SecurityError(f"exporting persons needs role registrar or admin, not {role!r}")
    list_persons(persons, actor, conn, purpose="export")
    buf = io.StringIO()
    write_rows(persons, buf)
    Path(path).write_text(buf.getvalue(), encoding="utf-8")
    return len(persons)
