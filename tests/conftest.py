import pytest

from tests.catalogue_fixture import make_catalogue


@pytest.fixture
def catalogue(tmp_path):
    con = make_catalogue(str(tmp_path / "catalogue.duckdb"))
    yield con
    con.close()


@pytest.fixture
def built(catalogue):
    from pipeline.stacking.graph import build_all

    build_all(catalogue)
    return catalogue
