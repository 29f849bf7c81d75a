"""Language models are built once per session into a temporary cache (never the user's)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _lm_cache(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    old = os.environ.get("LIAISON_CACHE")
    old_sample = os.environ.get("LIAISON_LM_SAMPLE")
    os.environ["LIAISON_CACHE"] = str(tmp_path_factory.mktemp("lm-cache"))
    os.environ["LIAISON_LM_SAMPLE"] = "1000000"  # a quarter of the default: faster, still enough
    yield
    if old_sample is None:
        os.environ.pop("LIAISON_LM_SAMPLE", None)
    else:
        os.environ["LIAISON_LM_SAMPLE"] = old_sample
    if old is None:
        os.environ.pop("LIAISON_CACHE", None)
    else:
        os.environ["LIAISON_CACHE"] = old
