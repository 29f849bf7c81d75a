"""The root command loads a group's module only when one of its commands runs, and `--help`
still lists every group (cli/app.py, LazyGroup)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from liaison.cli.app import GROUPS

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _py(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout


def test_extract_loads_only_the_osint_group(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("5-я гвардейская танковая армия нанесла контрудар у Прохоровки.", "utf-8")
    out = _py(
        "import sys\n"
        "from liaison.cli.app import main\n"
        "try:\n"
        f"    main(['osint', 'extract', {str(doc)!r}, '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('liaison.cli.'))\n"
        "heavy = [m for m in ('liaison.store', 'liaison.web', 'sqlalchemy', 'alembic') "
        "if m in sys.modules]\n"
        "print('LOADED', ' '.join(loaded))\n"
        "print('HEAVY', ' '.join(heavy))\n"
    )
    loaded = next(x for x in out.splitlines() if x.startswith("LOADED")).split()[1:]
    heavy = next(x for x in out.splitlines() if x.startswith("HEAVY")).split()[1:]
    assert '"mentions"' in out
    assert "liaison.cli.osint" in loaded
    assert "liaison.cli.orbat" not in loaded and "liaison.cli.codebreak" not in loaded
    assert heavy == []


def test_help_lists_every_group_and_other_commands_still_resolve() -> None:
    out = _py(
        "from liaison.cli.app import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    for name in ("osint", "orbat", "evac", "rfi", "intercepts", "coalition", "init", "crack"):
        assert name in out
    assert len(GROUPS) == len(set(GROUPS))
    # a command whose name is not its module's ("init" lives in cli/store.py) is found
    out = _py(
        "from liaison.cli.app import main\n"
        "try:\n"
        "    main(['init', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    assert "schema" in out
