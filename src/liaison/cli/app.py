"""Root of the `liaison` command. Each command group lives in its own module and registers here.

Modules load lazily: a command imports only the module that registers it (its name is tried
first, then the rest in GROUPS order), so `liaison osint extract` does not pay for the store,
the web app or the solvers; `liaison --help` loads them all to list every group.

User errors (LiaisonError) become one clear message on stderr and exit code 2 — never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

import click
import typer
from typer.core import TyperGroup

from liaison.core.errors import LiaisonError


class LazyGroup(TyperGroup):
    """The root group: each module of GROUPS is imported, and its register(app) run on a Typer of
    its own, the first time one of its commands is looked up."""

    def _load(self, module: str) -> None:
        loaded: set[str] = self.__dict__.setdefault("_loaded", set())
        if module in loaded:
            return
        loaded.add(module)
        sub = typer.Typer()
        importlib.import_module(f"liaison.cli.{module}").register(sub)
        group = typer.main.get_group(sub)
        for name, cmd in group.commands.items():
            have = self.commands.get(name)
            if have is None:
                self.commands[name] = cmd
            elif isinstance(have, TyperGroup) and isinstance(cmd, TyperGroup):
                for sub_name, sub_cmd in cmd.commands.items():  # a module adding to a group
                    have.commands.setdefault(sub_name, sub_cmd)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in GROUPS:
            self._load(cmd_name)
        for module in GROUPS:
            if cmd_name in self.commands:
                break
            self._load(module)
        for module in EXTENDS.get(cmd_name, ()):  # modules that add commands to this group
            self._load(module)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in GROUPS:
            self._load(module)
        return super().list_commands(ctx)


app = typer.Typer(
    cls=LazyGroup,
    name="liaison",
    help="Liaison — order of battle, liaison meetings, courier, codebreaking and evacuation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per command group; each defines register(app).
GROUPS = ["store", "orbat", "reconcile", "courier", "codebreak", "evac", "web", "user", "demo"]
GROUPS += ["intercepts", "train"]
GROUPS += ["osint"]
GROUPS += ["coalition"]
# Groups that other modules add commands to (`liaison meet schedule|agenda` live in cli/rfi.py).
EXTENDS: dict[str, tuple[str, ...]] = {"meet": ("rfi",)}
GROUPS += ["rfi"]
GROUPS += ["traffic"]
GROUPS += ["coalition_meet"]
EXTENDS["meet"] += ("coalition_meet",)  # `liaison meet coalition …`


@app.callback()
def _root(
    db: str = typer.Option(
        None, "--db", help="Database URL (default: LIAISON_DATABASE_URL or the SQLite file)."
    ),
) -> None:
    if db:
        os.environ["LIAISON_DATABASE_URL"] = db


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; typer handles usage errors, we turn LiaisonError into message + exit 2."""
    try:
        app(args=argv, prog_name="liaison")
    except LiaisonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
