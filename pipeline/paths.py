"""Where credcat keeps its files. Environment variables move them; nothing else needs configuring."""

from __future__ import annotations

import os
from pathlib import Path

# The folder holding the `pipeline` and `spiders` packages: the checkout, or site-packages once installed.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# `sql/` sits at the top of the checkout; a wheel ships it inside the package as `pipeline/sql` (pyproject.toml).
_PACKAGED_SQL = Path(__file__).resolve().parent / "sql"
SQL_DIR = _PACKAGED_SQL if _PACKAGED_SQL.is_dir() else PROJECT_ROOT / "sql"


def data_dir() -> Path:
    """Raw feeds, build files and the published catalogue (``CREDCAT_DATA_DIR``, default ``./data`` of the
    current directory, so an installed ``credcat`` never writes into site-packages)."""
    return Path(os.environ.get("CREDCAT_DATA_DIR") or "data").resolve()


def catalogue_path(data: Path | None = None) -> Path:
    """The published catalogue (``CREDCAT_CATALOGUE``, default ``<data dir>/catalogue.duckdb``)."""
    env = os.environ.get("CREDCAT_CATALOGUE")
    if env and data is None:
        return Path(env).resolve()
    return (data or data_dir()) / "catalogue.duckdb"


def raw_dir(provider: str, data: Path | None = None) -> Path:
    return (data or data_dir()) / "raw" / provider


def http_cache_dir(provider: str, data: Path | None = None) -> Path:
    """Stored responses of a provider's crawls, revalidated by the next crawl (spiders/cache.py)."""
    return (data or data_dir()) / "httpcache" / provider


def build_path(data: Path | None = None) -> Path:
    """The working catalogue a refresh builds and checks before it is published."""
    return (data or data_dir()) / "build" / "catalogue.duckdb"
