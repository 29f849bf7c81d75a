"""Routers hold no SQL (issue 22, "thin over the library"): the pictures and school routers call
library functions the CLI can call too, never the store's tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROUTERS = Path(__file__).parents[2] / "src" / "liaison" / "web" / "routers"


@pytest.mark.parametrize("name", ["pictures.py", "train.py"])
def test_router_runs_no_query_of_its_own(name: str) -> None:
    tree = ast.parse((ROUTERS / name).read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert "sqlalchemy" not in imported
    assert not [m for m in imported if m.startswith("liaison.store.schema")]
    calls = [
        n.func.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]
    assert "execute" not in calls
