"""Resources: where the catalogue lives. Read from the environment so the same definitions run anywhere."""


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


def default_resources() -> dict:
    return {"catalogue": CatalogueResource()}
