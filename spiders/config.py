"""Provider configuration, read from ``providers.toml`` beside this file (one copy for every layer)."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_PATH = Path(os.environ.get("CREDCAT_PROVIDERS", PACKAGE_DIR / "providers.toml"))


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    try:
        with open(CONFIG_PATH, "rb") as fh:
            return tomllib.load(fh)
    except NotADirectoryError:  # the package runs from a zipped egg (scrapyd, deploy/scrapyd/): package data
        return tomllib.loads((resources.files("spiders") / "providers.toml").read_text(encoding="utf-8"))


def providers() -> dict[str, dict[str, Any]]:
    """Every configured provider, keyed by provider name, with defaults filled in."""
    cfg = load()
    defaults = cfg.get("defaults", {})
    return {name: {**defaults, "name": name, **entry} for name, entry in cfg.get("providers", {}).items()}


def crawled() -> list[str]:
    """Providers a refresh crawls: those with a spider that are not ``retired``; the others are import-only
    (``credcat import``) or kept for their recorded answers."""
    return sorted(name for name, entry in providers().items() if entry.get("spider") and not entry.get("retired"))


def provider(name: str) -> dict[str, Any]:
    try:
        return providers()[name]
    except KeyError:
        known = ", ".join(sorted(providers()))
        raise KeyError(f"unknown provider {name!r}; configured providers: {known}") from None


def snapshot_dir(name: str) -> Path:
    """Folder of the provider's offline snapshot, laid out like the live site's URL paths."""
    return PACKAGE_DIR / provider(name)["snapshot"]
