"""Dagster metadata of every published table: a Markdown preview and its documented columns (real demo)."""

from __future__ import annotations

import duckdb
import pytest

from pipeline import registry


@pytest.mark.parametrize("table", ["credentials", "stack_conditions", "analyst_provider_quality", "search_terms"])
def test_every_table_gets_a_preview_and_a_documented_column_schema(published, table):
    from pipeline.defs.assets import _preview_and_schema

    data, _ = published
    con = duckdb.connect(str(data / "catalogue.duckdb"), read_only=True)
    try:
        meta = _preview_and_schema(con, table)
        n = con.execute(f'select count(*) from "{table}"').fetchone()[0]
        width = len(con.execute(f'select * from "{table}" limit 0').description)
    finally:
        con.close()
    preview = meta["preview"].value
    assert preview.startswith("| ") and preview.count("\n") == 1 + min(n, 5)
    columns = meta["dagster/column_schema"].columns
    assert len(columns) == width and all(c.description for c in columns)


def test_every_published_table_is_an_asset_with_a_description():
    from pipeline.definitions import defs

    graph = defs.get_repository_def().asset_graph
    for table in registry.registry().published():
        import dagster as dg

        assert graph.get(dg.AssetKey(table)).description, table
