"""Where credcat keeps its files. Environment variables move them; nothing else needs configuring."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"


def data_dir() -> Path:
    """Raw feeds, build files and the published catalogue (``CREDCAT_DATA_DIR``, default ``./data``)."""
    return Path(os.environ.get("CREDCAT_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def catalogue_path(data: Path | None = None) -> Path:
    """The published catalogue (``CREDCAT_CATALOGUE``, default ``<data dir>/catalogue.duckdb``)."""
    env = os.environ.get("CREDCAT_CATALOGUE")
    if env and data is None:
        return Path(env).resolve()
    return (data or data_dir()) / "catalogue.duckdb"


def raw_dir(provider: str, data: Path | None = None) -> Path:
    return (data or data_dir()) / "raw" / provider


def build_path(data: Path | None = None) -> Path:
    """The working catalogue a refresh builds and checks before it is published."""
    return (data or data_dir()) / "build" / "catalogue.duckdb"
