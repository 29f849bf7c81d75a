"""The default permissions: what each role may do, and over whose material (rules as data).

One row per action. `roles` are the roles that may act at all; `scope` says which target partners
they may act on (see `liaison.core.permissions.SCOPES`); `deny` is the HTTP status the web answers
when the rule says no (404 where even the existence of the thing must not leak). An action missing
from this table is refused for everyone: adding a route means adding its row here.

The CLI acts as `operator`: whoever holds the store's credentials can do anything anyway
(docs/security.md), so the CLI's own user and admin commands are allowed, but they still ask.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    scope: str
    deny: int = 403


ALL = frozenset({"admin", "analyst", "viewer"})
WRITERS = frozenset({"admin", "analyst"})
ADMINS = frozenset({"admin", "operator"})

DEFAULT_RULES: dict[str, Rule] = {
    # administration: scoped to the admin's own partner; the home partner's admins manage all
    "user.list": Rule(ADMINS, "own_or_home"),
    "user.add": Rule(ADMINS, "own_or_home"),
    "user.disable": Rule(ADMINS, "own_or_home", deny=404),
    "user.role": Rule(ADMINS, "own_or_home", deny=404),
    "user.password": Rule(ADMINS, "own_or_home", deny=404),
    "user.token": Rule(ADMINS, "own_or_home", deny=404),
    "audit.read": Rule(ADMINS, "own_or_home"),
    # one's own session and API tokens, and the dashboard (shows only what the user may see)
    "session.self": Rule(ALL, "own"),
    "dashboard.read": Rule(ALL, "own"),
    # pictures: the user's own partner, all of them for home users, the home picture if released
    "picture.read": Rule(ALL, "visible", deny=404),
    "picture.import": Rule(WRITERS, "own_or_home"),
    "basemap.read": Rule(ALL, "any"),
    # the home partner's working material
    "meeting.read": Rule(ALL, "home", deny=404),
    "meeting.write": Rule(WRITERS, "home", deny=404),
    "alert.read": Rule(ALL, "home", deny=404),
    "rfi.read": Rule(ALL, "home", deny=404),
    "rfi.write": Rule(WRITERS, "home", deny=404),
    "traffic.read": Rule(ALL, "home", deny=404),
    "traffic.write": Rule(WRITERS, "home", deny=404),
    "source.read": Rule(ALL, "home", deny=404),
    # the home partner's courier desk (pages over the CLI's report, intercept, pouch, release calls)
    "report.read": Rule(ALL, "home", deny=404),
    "intercept.read": Rule(ALL, "home", deny=404),
    "pouch.read": Rule(ALL, "home", deny=404),
    "release.read": Rule(ALL, "home", deny=404),
    "evac.status": Rule(ALL, "any"),
    "evac.persons": Rule(ALL, "home"),
    # the school: anyone may be a trainee; instructors are the home partner's analysts and admins
    "train.trainee": Rule(ALL, "any"),
    "train.instruct": Rule(WRITERS, "home"),
    # open sources: the user's own partner's material, every partner's for home users
    "osint.read": Rule(ALL, "own_or_home", deny=404),
    "osint.decide": Rule(WRITERS, "own_or_home", deny=404),
}
