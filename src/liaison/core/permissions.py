"""One decision for every web route and CLI command: `allowed(actor, action, resource)`.

Modelled on datasette's `permissions.py` with its `default_permissions` package: the rules are data
(`liaison.core.default_permissions.DEFAULT_RULES`), this module only evaluates them, and it denies by
default — an unknown action, role or scope is refused. Pure: callers look up who the home partner is
and whether the home picture is released to the actor's partner, and pass them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from liaison.core.default_permissions import DEFAULT_RULES, Rule
from liaison.core.errors import SecurityError

__all__ = ["Actor", "Resource", "Rule", "allowed", "deny_status", "require", "SCOPES"]


@dataclass(frozen=True)
class Actor:
    """Who acts: a web user (role, partner) or the CLI operator; `home` is the server's own
    (`is_self`) partner code, or None when none is set."""

    name: str
    role: str
    partner: str | None
    home: str | None

    @property
    def is_home(self) -> bool:
        return self.partner is not None and self.partner == self.home


@dataclass(frozen=True)
class Resource:
    """What is acted on: the partner whose material or account it is (None: the actor's own), and
    whether the home partner's release policy lets anything go to the actor's partner."""

    partner: str | None = None
    released: bool = False


def _own(actor: Actor, target: str | None) -> bool:
    return target is not None and target == actor.partner


#: How a rule's scope judges the target partner.
SCOPES = {
    "any": lambda a, t, r: True,
    "own": lambda a, t, r: _own(a, t),
    "home": lambda a, t, r: a.is_home,
    "own_or_home": lambda a, t, r: _own(a, t) or a.is_home,
    "visible": lambda a, t, r: _own(a, t) or a.is_home or (t == a.home and r.released),
}


def _in_scope(actor: Actor, rule: Rule, resource: Resource | None) -> bool:
    res = resource or Resource()
    target = (res.partner or actor.partner or "").upper() or None
    if actor.role == "operator":
        return True  # the CLI acts for the home partner over every partner (it holds the store)
    judge = SCOPES.get(rule.scope)
    return bool(judge and judge(actor, target, res))


def allowed(
    actor: Actor | None,
    action: str,
    resource: Resource | None = None,
    rules: Mapping[str, Rule] = DEFAULT_RULES,
) -> bool:
    """True only if a rule admits this actor's role for this action on this resource's partner.

    Without a resource the target is the actor's own partner (may the actor do this at all?)."""
    rule = rules.get(action)
    if actor is None or rule is None or actor.role not in rule.roles:
        return False
    return _in_scope(actor, rule, resource)


def deny_status(
    actor: Actor | None,
    action: str,
    resource: Resource | None = None,
    rules: Mapping[str, Rule] = DEFAULT_RULES,
) -> int:
    """The status the web answers when `action` is refused: the rule's own (404 hides that the
    thing exists) when the target is outside the actor's partners, 403 when only the role lacks."""
    rule = rules.get(action)
    if rule is None or actor is None:
        return 403
    return 403 if _in_scope(actor, rule, resource) else rule.deny


def require(actor: Actor | None, action: str, resource: Resource | None = None) -> None:
    """Raise SecurityError unless allowed (the CLI maps it to exit 2, the web to 403)."""
    if not allowed(actor, action, resource):
        who = actor.name if actor else "nobody"
        target = f" for partner {resource.partner}" if resource and resource.partner else ""
        raise SecurityError(f"{who} may not {action}{target}")
