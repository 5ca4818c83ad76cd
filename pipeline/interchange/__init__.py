"""The catalogue written as other standards' documents: ``credcat export --format NAME``.

Each module here is one format, named as the ``--format`` value (``ob3.py`` -> ``--format ob3``), with a
one-line docstring (the help text) and ``write(con, out: Path) -> dict``: it reads the published catalogue
through ``con`` (read-only), writes its documents under ``out`` and returns ``{"path": ..., "counts": {...}}``.
Documents a writer produces are meant to come back in with ``credcat import`` unchanged in meaning.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path


def formats() -> dict[str, str]:
    """``--format`` name -> the first line of its module's docstring."""
    out = {}
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if not info.name.startswith("_"):
            doc = importlib.import_module(f"{__name__}.{info.name}").__doc__ or ""
            out[info.name] = doc.strip().splitlines()[0] if doc.strip() else info.name
    return out


def writer(name: str) -> Callable:
    if name not in formats():
        raise ValueError(f"unknown export format {name!r}; known: parquet, {', '.join(formats())}")
    return importlib.import_module(f"{__name__}.{name}").write
