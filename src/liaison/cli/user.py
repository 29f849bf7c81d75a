"""`liaison user …`: accounts on the team web server (one partner and one role each)."""

from __future__ import annotations

import getpass
import os

import typer
from sqlalchemy.engine import Connection

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError
from liaison.core.permissions import Actor, Resource, require
from liaison.store import open_store


def _password(given: str | None) -> str:
    """From --password-env, else a prompt typed twice (never a plain command-line argument,
    which would land in shell history and the process list)."""
    if given:
        value = os.environ.get(given)
        if not value:
            raise ValidationError(f"environment variable {given} is empty or not set")
        return value
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ValidationError("the two passwords differ")
    return first


def _operator(conn: Connection, name: str) -> Actor:
    """The CLI's actor: the operator of the store, acting for the home partner. It holds the
    database anyway (docs/security.md), but it asks `allowed` like every web route."""
    from liaison.orbat.partners import get_self

    me = get_self(conn)
    home = me.code if me else None
    return Actor(name, "operator", home, home)


def _ask(conn: Connection, name: str, action: str, partner: str | None = None) -> None:
    """Refuse (exit 2) unless `allowed`; the target partner of a user action is the user's."""
    require(_operator(conn, name), action, Resource(partner=partner))


def register(app: typer.Typer) -> None:
    user_app = typer.Typer(help="Web server accounts and API tokens.", no_args_is_help=True)
    app.add_typer(user_app, name="user")
    actor = os.environ.get("USER", "cli")

    @user_app.command("add")
    def add(
        username: str,
        partner: str = typer.Option(..., "--partner", help="Partner code the user belongs to."),
        role: str = typer.Option("analyst", "--role", help="admin, analyst or viewer."),
        password_env: str = typer.Option(
            None, "--password-env", help="Read the password from this environment variable."
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Create a user (the password is asked for twice unless --password-env is given)."""
        from liaison.web import auth

        pw = _password(password_env)
        with open_store().begin() as conn:
            _ask(conn, actor, "user.add", partner.upper())
            u = auth.add_user(conn, username, pw, role, partner, actor=actor)
        emit(
            {"username": u.username, "role": u.role, "partner": u.partner},
            json_,
            lambda: console.print(f"user {u.username} ({u.role}, {u.partner}) added"),
        )

    @user_app.command("list")
    def list_(json_: bool = typer.Option(False, "--json")) -> None:
        """List users with partner, role and status."""
        from liaison.web import auth

        with open_store().connect() as conn:
            _ask(conn, actor, "user.list")
            rows = auth.list_users(conn)

        def show() -> None:
            for r in rows:
                state = "disabled" if r["disabled"] else "active"
                console.print(f"{r['username']:<20} {r['partner']:<6} {r['role']:<8} {state}")

        emit(rows, json_, show)

    @user_app.command("passwd")
    def passwd(
        username: str,
        password_env: str = typer.Option(None, "--password-env"),
    ) -> None:
        """Set a new password; the user's open sessions end."""
        from liaison.web import auth

        pw = _password(password_env)
        with open_store().begin() as conn:
            _ask(conn, actor, "user.password", auth.user_partner(conn, username))
            auth.set_password(conn, username, pw, actor=actor)
        console.print(f"password of {username} changed; their sessions ended")

    @user_app.command("role")
    def role(username: str, new_role: str) -> None:
        """Change a user's role."""
        from liaison.web import auth

        with open_store().begin() as conn:
            _ask(conn, actor, "user.role", auth.user_partner(conn, username))
            auth.set_role(conn, username, new_role, actor=actor)
        console.print(f"{username} is now {new_role}")

    @user_app.command("disable")
    def disable(username: str) -> None:
        """Disable a user: sessions end and API tokens are revoked."""
        from liaison.web import auth

        with open_store().begin() as conn:
            _ask(conn, actor, "user.disable", auth.user_partner(conn, username))
            auth.disable_user(conn, username, actor=actor)
        console.print(f"{username} disabled")

    @user_app.command("token")
    def token(
        username: str,
        name: str = typer.Option("script", "--name", help="What the token is for."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Create an API token for scripts and TAXII (`Authorization: Bearer …`); shown once."""
        from liaison.web import auth

        with open_store().begin() as conn:
            _ask(conn, actor, "user.token", auth.user_partner(conn, username))
            t = auth.create_token(conn, username, name, actor=actor)
        emit({"username": username, "token": t}, json_, lambda: console.print(t))
