"""The data dictionary: what every published column means, its type, vocabulary and per-provider source.

Generated from the definitions themselves (``spiders/record.py`` for the canonical fields, ``sql/dictionary.toml``
for derived columns, each spider's ``field_sources`` for provenance, the live catalogue for types), so it
cannot drift from the code. ``credcat describe`` prints it; ``docs/data_dictionary.md`` is its Markdown form.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb

from pipeline import paths
from spiders.record import CREDENTIAL_TYPES, LISTING_FIELDS

def _vocabularies() -> dict[str, tuple[str, ...]]:
    from pipeline.normalise.durations import RULES
    from pipeline.normalise.levels import LEVELS
    from pipeline.normalise.prices import KINDS
    from pipeline.normalise.vocab import VOCABULARIES as NORMALISED

    out = {"credential_type": tuple(CREDENTIAL_TYPES), "level": LEVELS, "cost_kind": KINDS,
           "duration_rule": RULES, "stackability": ("stackable", "stand_alone")}
    for column, vocab in (("participation", "participation"), ("pacing", "pacing"),
                          ("assessment_type", "assessment"), ("supervision", "supervision"),
                          ("quality_assurance", "quality_assurance")):
        out[column] = tuple(NORMALISED[vocab].allowed)
    from pipeline.normalise.credits import CREDIT_SYSTEMS
    from pipeline.normalise.recognition import QA_RANK

    out["quality_assurance"] = tuple(dict.fromkeys(out["quality_assurance"] + QA_RANK))
    out["credit_system"] = tuple(CREDIT_SYSTEMS)
    for column in ("ects_provenance", "eqf_provenance", "workload_provenance", "quality_assurance_provenance",
                   "price_provenance", "awarding_body_provenance", "issuer_country_provenance",
                   "recognition_provenance", "credits_provenance", "level_provenance", "learning_outcomes_provenance",
                   "prerequisites_provenance", "assessment_provenance", "supervision_provenance",
                   "participation_provenance"):
        out[column] = ("stated", "derived", "unknown")
    return out


VOCABULARIES = _vocabularies()


@dataclass
class Column:
    table: str
    name: str
    type: str
    doc: str | None
    vocabulary: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _dictionary() -> dict:
    with open(paths.SQL_DIR / "dictionary.toml", "rb") as fh:
        return tomllib.load(fh)


def _declared() -> dict:
    return _dictionary()["tables"]


def json_schema(column: str) -> dict:
    """The JSON Schema of a JSON column's value (``[json_schemas]`` in dictionary.toml; ``{}``, any JSON, when
    none is declared). ``"x-vocabulary": NAME`` in it becomes the ``enum`` of that vocabulary."""
    import json

    text = _dictionary().get("json_schemas", {}).get(column)
    if not text:
        return {}

    def fill(node):
        if isinstance(node, dict):
            node = {k: fill(v) for k, v in node.items()}
            if "x-vocabulary" in node:
                values = list(VOCABULARIES[node["x-vocabulary"]])
                node["enum"] = [*values, None] if "null" in node.get("type", []) else values
            return node
        return [fill(v) for v in node] if isinstance(node, list) else node

    return fill(json.loads(text))


def table_doc(table: str) -> str | None:
    return _declared().get(table, {}).get("doc")


def built_by(table: str) -> str:
    """The SQL file or Python step that builds ``table`` (pipeline.registry), for ``credcat describe``."""
    from pipeline.registry import registry

    try:
        return registry().producer(table).where
    except KeyError as exc:
        return str(exc.args[0])


def field_sources() -> dict[str, dict[str, str]]:
    """column -> {provider: where the provider's value comes from}, from each spider's ``field_sources``."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings
    import os

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
    loader = SpiderLoader.from_settings(get_project_settings())
    out: dict[str, dict[str, str]] = {}
    for name in loader.list():
        for column, where in getattr(loader.load(name), "field_sources", {}).items():
            out.setdefault(column, {})[name] = where
    return out


RECORD_TABLES = ("credentials", "listings")  # tables in the canonical record's shape


def column_doc(table: str, column: str) -> str | None:
    declared = _declared().get(table, {}).get("columns", {})
    if column in declared:
        return declared[column]
    if table in RECORD_TABLES:
        shared = _declared().get("credentials", {}).get("columns", {})
        if column in shared:
            return shared[column]
        for f in LISTING_FIELDS:
            if f.name == column:
                return f.metadata["doc"]
    return None


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' order by 1").fetchall()]


def describe(con: duckdb.DuckDBPyConnection, table: str | None = None) -> list[Column]:
    sources = field_sources()
    tables = [table] if table else published_tables(con)
    out = []
    for t in tables:
        rows = con.execute("select column_name, data_type from information_schema.columns where table_name = ? "
                           "and table_schema = 'main' order by ordinal_position", [t]).fetchall()
        if not rows:
            raise KeyError(f"no table {t!r} in the catalogue; tables: {', '.join(published_tables(con))}")
        for name, dtype in rows:
            out.append(Column(t, name, dtype, column_doc(t, name), VOCABULARIES.get(name, ()),
                              sources.get(name, {}) if t in RECORD_TABLES else {}))
    return out


def coverage(con: duckdb.DuckDBPyConnection, table: str = "credentials") -> tuple[list[str], list[tuple]]:
    """Share of listings per provider with each column filled (empty strings and lists count as missing)."""
    cols = con.execute("select column_name, data_type from information_schema.columns where table_name = ? "
                       "and table_schema = 'main' order by ordinal_position", [table]).fetchall()
    skip = {"source"}
    exprs = []
    names = []
    for name, dtype in cols:
        if name in skip:
            continue
        if dtype.endswith("[]"):
            cond = f'len("{name}") > 0'
        elif dtype == "JSON":
            cond = f"coalesce(trim(\"{name}\"::varchar), '') not in ('', '[]', '{{}}', 'null')"
        elif dtype == "VARCHAR":  # not only spaces (trim's set); trimmed only when it starts with one
            cond = (f"case when \"{name}\" is null or \"{name}\" = '' then false "
                    f"when not starts_with(\"{name}\", ' ') then true else trim(\"{name}\") <> '' end")
        else:
            cond = f'"{name}" is not null'
        exprs.append(f'round(avg(case when {cond} then 1.0 else 0.0 end), 3) as "{name}"')
        names.append(name)
    rows = con.execute(f'select source, count(*) as listings, {", ".join(exprs)} from "{table}" group by 1 order by 1').fetchall()
    return ["source", "listings", *names], rows


def markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The whole dictionary as Markdown (docs/data_dictionary.md)."""
    lines = ["# Data dictionary", "",
             "Generated by `credcat describe --markdown` from the schema definitions; do not edit by hand.", ""]
    by_table: dict[str, list[Column]] = {}
    for col in describe(con):
        by_table.setdefault(col.table, []).append(col)
    for t, cols in by_table.items():
        lines += [f"## `{t}`", "", table_doc(t) or "", "", f"Built by: {built_by(t)}.", "",
                  "| column | type | meaning | vocabulary | source per provider |",
                  "|---|---|---|---|---|"]
        for c in cols:
            vocab = ", ".join(f"`{v}`" for v in c.vocabulary)
            src = "; ".join(f"{p}: `{w}`" for p, w in sorted(c.sources.items()))
            lines.append(f"| `{c.name}` | {c.type} | {(c.doc or '').replace('|', '/')} | {vocab} | {src.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)
