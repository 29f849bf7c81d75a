"""Request dependencies shared by every router (store, user, roles, templates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from liaison.store.engine import Store

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

ROLES = ("admin", "analyst", "viewer")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    partner: str


def get_store(request: Request) -> Store:
    return request.app.state.store


def current_user(request: Request) -> User:
    """The signed-in user; authentication is not built yet, so every request is denied."""
    user = getattr(request.state, "user", None)
    if user is None:
        raise HTTPException(status_code=401, detail="sign in required")
    return user


def require_role(*roles: str) -> Callable[[Request], User]:
    """Dependency that admits only users holding one of ``roles`` (deny by default)."""

    def check(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=403, detail="not allowed for this role")
        return user

    return check
