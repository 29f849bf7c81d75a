"""The demo team server: the demo scenario, demo users and an open PL–JP meeting to work on.

Passwords are random per store (never a well-known default that could survive into a real
deployment) and written to `demo-users.txt` (mode 0600) beside the store so they can be shown again.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import sqlalchemy as sa

from liaison.courier.pouch import get_policy, set_policy
from liaison.orbat import scenario
from liaison.reconcile import meeting
from liaison.store.engine import Store
from liaison.store.schema.reconcile import meeting as meeting_table
from liaison.web import auth

DEMO_USERS = (
    ("admin", "admin", "PL"),
    ("analyst", "analyst", "PL"),
    ("viewer", "viewer", "PL"),
    ("jp.liaison", "analyst", "JP"),
)


def prepare(store: Store, secrets_file: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Load what is missing (scenario, users, an open meeting); return (users, what was done)."""
    done: list[str] = []
    with store.begin() as conn:
        if scenario.is_empty(conn):
            for rep in scenario.load_demo(conn):
                done.append(f"loaded demo picture {rep.partner}: {rep.units_new} units")
        if get_policy(conn, "JP") is None:  # our liaison officer's account sees what we release
            set_policy(conn, "JP", "AMBER", actor="demo")
            done.append("release policy for JP: up to TLP:AMBER")
    known: dict[str, str] = {}
    if secrets_file.exists():
        known = json.loads(secrets_file.read_text(encoding="utf-8"))
    with store.begin() as conn:
        existing = {u["username"] for u in auth.list_users(conn)}
        for name, role, partner in DEMO_USERS:
            if name in existing:
                continue
            known[name] = secrets.token_urlsafe(12)
            auth.add_user(conn, name, known[name], role, partner, actor="demo")
            done.append(f"created demo user {name}")
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(known, fh, indent=1)
    with store.begin() as conn:
        open_one = conn.execute(
            sa.select(meeting_table.c.id).where(meeting_table.c.status == "open").limit(1)
        ).first()
        if not open_one:
            mid, res = meeting.open_meeting(conn, "JP", actor="demo")
            done.append(
                f"opened meeting {mid} PL–JP: {res.summary['discrepancies']} discrepancies to work"
            )
    users = [
        {"username": n, "role": r, "partner": p, "password": known.get(n, "(set before; unknown)")}
        for n, r, p in DEMO_USERS
    ]
    return users, done
