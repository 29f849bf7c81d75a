"""`liaison.core.permissions.allowed`: the one decision every route and CLI user command asks
(issue 19, item 1). Rules are data; anything not in them is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from liaison.cli.app import main
from liaison.core import default_permissions
from liaison.core.permissions import Actor, Resource, allowed, deny_status

SRC = Path(__file__).resolve().parents[2] / "src" / "liaison"

jp_admin = Actor("admin.jp", "admin", "JP", "PL")
pl_admin = Actor("admin.pl", "admin", "PL", "PL")
pl_viewer = Actor("viewer.pl", "viewer", "PL", "PL")
jp_viewer = Actor("viewer.jp", "viewer", "JP", "PL")


def test_deny_by_default() -> None:
    assert not allowed(None, "picture.read")
    assert not allowed(pl_admin, "no.such.action")
    assert not allowed(Actor("x", "superuser", "PL", "PL"), "picture.read")
    assert not allowed(Actor("x", "admin", None, None), "user.add", Resource(partner="PL"))


def test_admin_actions_are_scoped_to_the_admins_partner() -> None:
    for action in ("user.add", "user.disable", "user.role", "user.password", "audit.read"):
        assert allowed(jp_admin, action, Resource(partner="JP")), action
        assert not allowed(jp_admin, action, Resource(partner="PL")), action
        assert not allowed(jp_admin, action, Resource(partner="US")), action
        # only the home partner's admin manages the home partner (and every other partner)
        assert allowed(pl_admin, action, Resource(partner="PL")), action
        assert allowed(pl_admin, action, Resource(partner="JP")), action
        assert not allowed(pl_viewer, action, Resource(partner="PL")), action
    # no home partner set: nobody manages another partner
    lone = Actor("admin.pl", "admin", "PL", None)
    assert allowed(lone, "user.add", Resource(partner="PL"))
    assert not allowed(lone, "user.add", Resource(partner="JP"))


def test_home_business_and_released_pictures() -> None:
    assert allowed(pl_viewer, "meeting.read") and not allowed(pl_viewer, "meeting.write")
    assert not allowed(jp_viewer, "meeting.read") and not allowed(jp_admin, "alert.read")
    assert allowed(jp_viewer, "picture.read", Resource(partner="JP"))
    assert allowed(jp_viewer, "picture.read", Resource(partner="PL", released=True))
    assert not allowed(jp_viewer, "picture.read", Resource(partner="PL"))
    assert not allowed(jp_viewer, "picture.read", Resource(partner="US", released=True))
    # refused outside the actor's partners: 404 where the rule hides existence; a role: 403
    assert deny_status(jp_viewer, "meeting.read") == 404
    assert deny_status(pl_viewer, "meeting.write") == 403


def test_the_cli_operator_is_asked_too() -> None:
    op = Actor("root", "operator", "PL", "PL")
    assert allowed(op, "user.add", Resource(partner="JP"))
    assert not allowed(op, "meeting.write")  # not an administration action: not the CLI's


def test_every_action_the_code_asks_about_has_a_rule() -> None:
    """A route or command asking about an action missing from the table would be refused to all;
    this catches the typo before a user does."""
    asked: set[str] = set()
    pattern = re.compile(
        r"""(?:permit|may|allowed|check|_ask|require|_visible)\([^"')]*?"([a-z]+\.[a-z.]+)\"""",
        re.S,
    )
    for f in [*SRC.joinpath("web").rglob("*.py"), *SRC.joinpath("cli").rglob("*.py")]:
        asked |= set(pattern.findall(f.read_text(encoding="utf-8")))
    for f in SRC.joinpath("web", "templates").rglob("*.html"):
        asked |= set(re.findall(r'may\("([a-z.]+)"\)', f.read_text(encoding="utf-8")))
    assert len(asked) >= 15
    assert asked <= set(default_permissions.DEFAULT_RULES), asked - set(
        default_permissions.DEFAULT_RULES
    )


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def test_cli_user_commands_ask_allowed(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIAISON_TEST_PW", "a long enough password")
    assert _run(["partner", "add", "PL", "--name", "Poland", "--self"], capsys)[0] == 0
    assert _run(["partner", "add", "JP", "--name", "Japan"], capsys)[0] == 0
    add = ["user", "add", "officer", "--partner", "JP", "--password-env", "LIAISON_TEST_PW"]
    code, out, _ = _run([*add, "--json"], capsys)
    assert code == 0 and json.loads(out)["partner"] == "JP"
    # take the rule away: the same command is refused (exit 2, no traceback, nothing written)
    monkeypatch.delitem(default_permissions.DEFAULT_RULES, "user.add")
    monkeypatch.delitem(default_permissions.DEFAULT_RULES, "user.disable")
    code, _, err = _run([*add[:2], "other", *add[3:]], capsys)
    assert code == 2 and "may not user.add" in err and "Traceback" not in err
    code, _, err = _run(["user", "disable", "officer"], capsys)
    assert code == 2 and "may not user.disable" in err
    code, out, _ = _run(["user", "list", "--json"], capsys)
    rows = {r["username"]: r for r in json.loads(out)}
    assert set(rows) == {"officer"} and not rows["officer"]["disabled"]
