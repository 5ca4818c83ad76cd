"""Resources: where the catalogue lives, configured from the environment with ``dg.EnvVar`` so the same
definitions run anywhere and the UI shows where each value comes from."""

import os
from pathlib import Path

import dagster as dg

from pipeline import paths


class CatalogueResource(dg.ConfigurableResource):
    """The data folder (raw feeds, build file) and the published catalogue path."""

    data_dir: str = ""
    catalogue: str = ""

    @property
    def data(self) -> Path:
        return Path(self.data_dir).resolve() if self.data_dir else paths.data_dir()

    @property
    def build_path(self) -> Path:
        return paths.build_path(self.data)

    @property
    def exports_dir(self) -> Path:
        return self.data / "exports"

    @property
    def catalogue_path(self) -> Path:
        if self.catalogue:
            return Path(self.catalogue).resolve()
        return paths.catalogue_path(self.data if self.data_dir else None)


def _env(name: str) -> dg.EnvVar | str:
    """``dg.EnvVar(name)`` when the variable is set (Dagster resolves it at run time); unset, the default
    (``paths``: ``./data``, ``<data>/catalogue.duckdb``), since Dagster fails a run on an unset EnvVar."""
    return dg.EnvVar(name) if name in os.environ else ""


def default_resources() -> dict:
    return {"catalogue": CatalogueResource(data_dir=_env("CREDCAT_DATA_DIR"), catalogue=_env("CREDCAT_CATALOGUE"))}
