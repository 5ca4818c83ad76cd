"""Shared fixtures: every test gets its own data folder, so nothing touches ./data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.catalogue_fixture import build_derived, make_catalogue


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("CREDCAT_DATA_DIR", str(d))
    monkeypatch.delenv("CREDCAT_CATALOGUE", raising=False)
    monkeypatch.delenv("CREDCAT_OFFLINE", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return d


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """One offline refresh for the whole session: (data dir, refresh report). Read it, never write it."""
    from pipeline.refresh import refresh

    mp = pytest.MonkeyPatch()
    data = tmp_path_factory.mktemp("published")
    mp.setenv("CREDCAT_DATA_DIR", str(data))
    mp.delenv("CREDCAT_CATALOGUE", raising=False)
    mp.delenv("DAGSTER_HOME", raising=False)
    try:
        report = refresh(offline=True)
    finally:
        mp.undo()
    return data, report


@pytest.fixture
def catalogue(tmp_path):
    """A small Microsoft Learn-like catalogue (tests/catalogue_fixture.py) in a tmp_path DuckDB."""
    con = make_catalogue(str(tmp_path / "catalogue.duckdb"))
    yield con
    con.close()


@pytest.fixture
def built(catalogue):
    build_derived(catalogue)
    return catalogue
