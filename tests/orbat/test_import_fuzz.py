"""A short fuzz of the unit importers (CSV, XLSX, JSON): no traceback, only LiaisonError, and
never a partial write. Bounded for `make test`; benchmarks/import_fuzz.py runs it longer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from tests.orbat.fuzz import check_import, csv_files, json_files, xlsx_files

from liaison.orbat import partners
from liaison.store import Store

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}")
    with s.begin() as conn:
        partners.add_partner(conn, "PL", "Poland", is_self=True)
    yield s
    s.dispose()


@FUZZ
@given(f=csv_files())
def test_fuzz_csv(fuzz_store: Store, f: tuple[str, bytes]) -> None:
    assert check_import(fuzz_store, *f) is None


@FUZZ
@given(f=json_files())
def test_fuzz_json(fuzz_store: Store, f: tuple[str, bytes]) -> None:
    assert check_import(fuzz_store, *f) is None


@FUZZ
@given(f=xlsx_files())
def test_fuzz_xlsx(fuzz_store: Store, f: tuple[str, bytes]) -> None:
    assert check_import(fuzz_store, *f) is None


def test_fuzz_check_catches_a_partial_write(
    fuzz_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check itself can fail: an importer that writes and then raises is caught."""
    from tests.orbat import fuzz

    def leaky(conn, name, partner, **kw):  # type: ignore[no-untyped-def]
        from liaison.store import audit

        audit.record(conn, "fuzz", "leak")
        conn.commit()
        raise fuzz.LiaisonError("refused after writing")

    monkeypatch.setattr(fuzz, "import_file", leaky)
    assert "partial write" in (check_import(fuzz_store, "units.csv", b"unit_id\n") or "")
