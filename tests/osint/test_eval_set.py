"""Format of the labelled OSINT evaluation set (benchmarks/osint_eval/): every split parses with
the benchmark's own label parser, every mention's text sits at its offsets in the document, every
place key has coordinates, and keys, echelons and dates are well formed. Checks labels only — it
never runs the extractor, so it cannot leak a held-out result into tuning."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]
ECHELONS = {"battalion", "regiment", "brigade", "division", "corps", "army", "front"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _langs(split: str) -> set[str]:
    """The languages every split has: all five."""
    return set(_bench().LANGS)


def _bench() -> ModuleType:
    """benchmarks/ is not a package on the path: load osint.py by file (its top level imports
    only the standard library, not the extractor)."""
    name = "_osint_bench_labels"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "osint.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_places_rows_are_well_formed() -> None:
    lines = (ROOT / "benchmarks/osint_eval/places.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["key", "lat", "lon", "source"]
    keys = [ln.split("\t")[0] for ln in lines[1:]]
    assert len(keys) == len(set(keys)), "duplicate place keys"
    for ln in lines[1:]:
        key, lat, lon, src = ln.split("\t")
        assert key.strip() == key and key
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, ln
        assert re.match(r"^(GeoNames|manual)\b", src), ln
    assert len(_bench().places()) == len(keys)


def test_document_ids_are_unique_across_splits() -> None:
    """The benchmark writes each document to a file named by its id: a repeated id across
    splits would overwrite another split's document and score the wrong text."""
    bench = _bench()
    ids = [d.id for d in bench.load(tuple(bench.SPLITS))]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    assert not dup, f"document ids used twice: {dup}"


@pytest.mark.parametrize(
    "split", ["dev", "dev2", "dev3", "dev4", "dev5", "dev6", "heldout", "heldout2"]
)
def test_split_parses_and_labels_are_consistent(split: str) -> None:
    bench = _bench()
    assert split in bench.SPLITS
    where = bench.places()
    docs = bench.load((split,))
    assert {d.lang for d in docs} == _langs(split), "a language file is missing"
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids)), "duplicate document ids"
    for d in docs:
        assert d.kind in ("text", "html"), d.id
        assert d.era in ("historical", "modern"), d.id
        assert d.published is None or re.match(r"^\d{4}-\d{2}-\d{2}$", d.published), d.id
        assert "[[" not in d.text and "]]" not in d.text, f"{d.id}: malformed mention markup"
        assert len([ln for ln in d.text.split("\n") if ln.strip()]) >= 2, f"{d.id}: no title"
        for g in d.gold:
            assert d.text[g.start : g.end] == g.text, d.id
            if g.unit_number is None:
                assert g.echelon in ECHELONS, f"{d.id}: {g.text!r} echelon {g.echelon!r}"
            else:
                assert re.match(r"^[0-9А-ЯA-Z]\d{3,5}$", g.unit_number), f"{d.id}: {g.text!r}"
            assert g.place is None or g.place in where, (
                f"{d.id}: place {g.place!r} not in places.tsv"
            )
            assert g.date is None or DATE.match(g.date), f"{d.id}: {g.text!r} date {g.date!r}"


@pytest.mark.parametrize(
    ("split", "least"),
    [("heldout2", 30), ("dev2", 35), ("dev3", 30), ("dev4", 40), ("dev5", 40), ("dev6", 60)],
)
def test_blind_sets_are_big_enough(split: str, least: int) -> None:
    """The blind sets the issues asked for: 5–6 documents and at least `least` mentions per
    language, historical and modern, plain text and HTML, some delivered as news."""
    docs = _bench().load((split,))
    for lang in _langs(split):
        mine = [d for d in docs if d.lang == lang]
        assert 5 <= len(mine) <= 6, lang
        assert sum(len(d.gold) for d in mine) >= least, lang
        assert {d.era for d in mine} == {"historical", "modern"}, lang
        assert {d.kind for d in mine} == {"text", "html"}, lang
        assert any(d.published for d in mine), lang


def test_dev3_mentions_mostly_have_places() -> None:
    """dev3 was written to tune place rules: at least 25 mentions per language carry a place."""
    docs = _bench().load(("dev3",))
    for lang in _bench().LANGS:
        placed = [g for d in docs if d.lang == lang for g in d.gold if g.place is not None]
        assert len(placed) >= 25, lang


def test_dev6_mostly_has_places() -> None:
    """dev6 asked for about 70 mentions in English and Polish, at least 60 of them tied to a
    place, and about 50 in German, Russian and Ukrainian, at least 40 with one."""
    docs = _bench().load(("dev6",))
    for lang, least in (("en", 60), ("pl", 60), ("de", 40), ("ru", 40), ("uk", 40)):
        placed = [g for d in docs if d.lang == lang for g in d.gold if g.place is not None]
        assert len(placed) >= least, lang
