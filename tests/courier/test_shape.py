"""The courier's shape: no import cycle, the pouch knows record kinds only through the registry,
every kind module is registered, and a new kind travels with one registry line."""

from __future__ import annotations

import ast
import pkgutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import liaison.courier
from liaison.core.markings import Marking
from liaison.courier import keys, records, registry
from liaison.courier.canonical import canonical
from liaison.courier.kinds.base import Collected, Incoming, Kind, Outgoing
from liaison.courier.pouch import PouchRejected, add_partner_key, encode_payload, open_file, seal
from liaison.courier.pouch import set_policy as set_release_policy
from liaison.orbat import observe, partners
from liaison.store import Store

PKG = "liaison.courier"
ROOT = Path(liaison.courier.__file__).parent


def _modules() -> dict[str, Path]:
    out = {PKG: ROOT / "__init__.py"}
    for m in pkgutil.walk_packages([str(ROOT)], prefix=PKG + "."):
        base = ROOT.joinpath(*m.name.split(".")[2:])
        out[m.name] = base / "__init__.py" if m.ispkg else base.with_suffix(".py")
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, list[str], ast.AST]]:
    """(module imported, names taken from it, node) for every import anywhere in the module —
    inside functions too: an import deferred into a function to dodge a cycle is still one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            out.append((base, [a.name for a in node.names], node))
    return out


def _edges(name: str, path: Path) -> set[str]:
    """The courier modules `name` imports: `from pkg import mod` counts as importing pkg.mod, and
    importing a submodule first imports every package above it."""
    got: set[str] = set()
    for mod, names, _ in _imports(name, path):
        targets = [f"{mod}.{n}" for n in names if f"{mod}.{n}" in MODULES] or [mod]
        for t in targets:
            parts = t.split(".")
            got |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
    return {t for t in got if t in MODULES and t != name and not name.startswith(t + ".")}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None (depth-first search, colouring nodes)."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        colour[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if colour.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in colour and (found := visit(m)):
                return found
        stack.pop()
        colour[n] = 2
        return None

    for n in sorted(graph):
        if n not in colour and (found := visit(n)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check below could fail: on a graph with a cycle it names it."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_courier_import_graph_has_no_cycle() -> None:
    graph = {name: _edges(name, path) for name, path in MODULES.items()}
    assert "liaison.courier.registry" in graph["liaison.courier.pouch"]  # the graph is read
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_the_pouch_knows_kinds_only_through_the_registry() -> None:
    """pouch.py imports no kind module, and no courier module takes another's private names
    (by `from … import _name` or by `module._name`)."""
    for mod, _names, _ in _imports("liaison.courier.pouch", MODULES["liaison.courier.pouch"]):
        assert not mod.startswith("liaison.courier.kinds"), mod
        assert mod != "liaison.courier.items", mod
    for name, path in MODULES.items():
        courier_aliases = set()
        for mod, names, node in _imports(name, path):
            if not mod.startswith(PKG):
                continue
            private = [n for n in names if n.startswith("_") and n != "__future__"]
            assert not private, f"{name} imports {private} from {mod}"
            if isinstance(node, ast.ImportFrom):
                courier_aliases |= {a.asname or a.name for a in node.names}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in courier_aliases
                and node.attr.startswith("_")
            ):
                raise AssertionError(f"{name} uses {node.value.id}.{node.attr}")


def test_every_kind_module_is_registered_once() -> None:
    kinds = {n for n in MODULES if n.startswith("liaison.courier.kinds.")} - {
        "liaison.courier.kinds.base"
    }
    assert kinds, "no kind modules found"
    import importlib

    registered = {importlib.import_module(n).KIND for n in kinds}
    assert registered == set(registry.KINDS)
    assert len({k.name for k in registry.KINDS}) == len(registry.KINDS)
    assert {k.slot for k in registry.KINDS} <= {"items", "payload", "manifest"}


def test_the_payload_is_canonical_json_of_every_kind() -> None:
    """Each kind's encoder, joined, gives the reference's bytes (so signatures and digests over
    the payload stay what they were before the split)."""
    units = [{"unit_id": "U1", "designation": "1 Dywizja", "lat": 50.0, "eq": {"b": 1, "a": 2}}]
    extra = {"reports": [{"title": "ż", "n": 3.0}], "acks": [], "zzz": [{"a": None}]}
    want = canonical({"items": extra, "units": units, "withheld": 4})
    assert encode_payload(units, 4, extra) == want


# ---- a new kind is one module and one registry line ---------------------------------------------
NOTES: list[dict[str, Any]] = []


def _collect_notes(out: Outgoing) -> Collected:
    ok = [n for n in NOTES if out.releasable(Marking(n["tlp"]))]
    signed = [records.sign(out.kp, {"type": "note", "text": n["text"]}) for n in ok]
    return Collected(signed, {"notes": len(NOTES) - len(ok)})


def _receive_notes(inc: Incoming, recs: list[Any]) -> dict[str, int]:
    RECEIVED.extend(rec["body"]["text"] for rec in recs)
    return {"notes": len(recs)}


RECEIVED: list[str] = []
NOTE_KIND = Kind("notes", "items", _collect_notes, _receive_notes, signed=("note",))


def _pair(tmp: Path) -> tuple[Store, Store, keys.KeyPair, keys.KeyPair]:
    pl, jp = Store(f"sqlite:///{tmp / 'pl.db'}"), Store(f"sqlite:///{tmp / 'jp.db'}")
    kpl, kjp = keys.generate("PL"), keys.generate("JP")
    for st_, me, other, other_kp in ((pl, "PL", "JP", kjp), (jp, "JP", "PL", kpl)):
        with st_.begin() as conn:
            partners.add_partner(conn, me, me, is_self=True)
            partners.add_partner(conn, other, other)
            add_partner_key(conn, other_kp.public)
    with pl.begin() as conn:
        set_release_policy(conn, "JP", "GREEN")
        observe.record(
            conn,
            "PL",
            "U1",
            valid_at=datetime(1938, 6, 1, tzinfo=UTC),
            designation="1 Dywizja",
            marking=Marking("GREEN"),
        )
    return pl, jp, kpl, kjp


def test_a_new_kind_travels_with_one_registry_line(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A kind the pouch has never heard of — registered, nothing else changed — is collected
    under the release policy, sealed, signed, opened and applied; its withheld records are
    counted in the audit, not sent. A receiver without the kind refuses the pouch."""
    pl, jp, kpl, kjp = _pair(tmp_path)
    NOTES[:] = [{"text": "bridge at Zaleszczyki", "tlp": "GREEN"}, {"text": "x", "tlp": "RED"}]
    RECEIVED.clear()
    with monkeypatch.context() as mp:
        mp.setattr(registry, "KINDS", (*registry.KINDS, NOTE_KIND))
        mp.setattr(registry, "ITEMS", (*registry.ITEMS, NOTE_KIND))
        with pl.begin() as conn:
            data, manifest = seal(conn, kpl, "JP")
        assert manifest["counts"]["notes"] == 1
        got = open_file(jp, kjp, data)
    assert got["items"]["notes"] == 1 and got["new_observations"] == 1
    assert RECEIVED == ["bridge at Zaleszczyki"]
    # the same pouch kind, at a receiver that does not know it: deny by default
    with monkeypatch.context() as mp:
        mp.setattr(registry, "KINDS", (*registry.KINDS, NOTE_KIND))
        mp.setattr(registry, "ITEMS", (*registry.ITEMS, NOTE_KIND))
        with pl.begin() as conn:
            data, _ = seal(conn, kpl, "JP", since="all")
    with pytest.raises(PouchRejected, match="items are not the expected ones"):
        open_file(jp, kjp, data)


def test_a_signed_kind_refuses_an_unsigned_record(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The registry checks a signed kind's records have the signed form before the kind sees
    them."""
    bare = [{"text": "not signed"}]
    with pytest.raises(PouchRejected, match="not one of"):
        registry.check_records(NOTE_KIND, bare, "payload")
    forged = [{"body": {"type": "note"}, "signatures": "x"}]
    with pytest.raises(PouchRejected, match="expected form"):
        registry.check_records(NOTE_KIND, forged, "payload")
    with pytest.raises(PouchRejected, match="not a list"):
        registry.check_records(NOTE_KIND, {"a": 1}, "payload")
