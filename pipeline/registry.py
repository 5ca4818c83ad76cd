"""The model registry: the one place that says which producer builds each table of the catalogue.

A table has exactly one producer:

- a **SQL model**, ``sql/<layer>/<table>.sql`` (the file's stem is the table it builds). Its inputs are the
  tables its query reads, taken from DuckDB's own parser (``json_serialize_sql``), so they cannot drift from
  the SQL; or
- a **Python step** declared in :data:`STEPS` below: a name, the function that runs it, the tables it reads
  and the tables it writes. Logic SQL cannot express well (parsing values, matching, the taxonomy, cycles)
  lives in such steps.

:func:`registry` reads both, checks that no table has two producers, that every input has a producer (a
misspelled table name fails the build with the nearest known names) and that there is no cycle, and
orders the producers for the runner (:mod:`pipeline.warehouse`). Tables whose names start with
``raw_``/``stg_``/``int_``/``seed_`` are working tables, dropped before publishing; every other table is
published, and is one Dagster asset.

``sql/matching/`` holds queries the matcher runs on inputs it registers itself (``match_input``); they are
not catalogue tables and are run by name through :func:`pipeline.warehouse.query`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from pipeline import paths

LAYERS = ("staging", "intermediate", "marts")  # the build's models, in layer order
WORKING_PREFIXES = ("raw_", "stg_", "int_", "seed_")  # build-only tables, never published
VIEW_MARK = "-- materialized: view"  # first-line marker of a cheap pass-through model


class RegistryError(ValueError):
    """The models and steps do not form one well-defined build (unknown input, two producers, a cycle)."""


@dataclass(frozen=True)
class Step:
    """A Python producer: ``run(con, **context)`` writes ``outputs`` into the working catalogue and returns
    metadata (counts) for the assets that show its tables."""

    name: str
    run: str  # "module:function"
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    description: str
    context: tuple[str, ...] = ()  # keyword arguments taken from the Build ("runs", "published_path")
    external: tuple[str, ...] = ()  # Dagster assets outside the build it reads (the crawl's raw feeds)


@dataclass(frozen=True)
class Producer:
    name: str  # the model (= its table) or the step
    kind: str  # "sql" or "python"
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    description: str
    path: Path | None = None  # SQL models
    run: str | None = None  # Python steps
    view: bool = False
    context: tuple[str, ...] = ()
    external: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """What ``credcat describe`` names: the SQL file, or the step and its function."""
        if self.path is not None:
            try:
                return str(self.path.relative_to(paths.SQL_DIR.parent))
            except ValueError:
                return str(self.path)
        return f"Python step `{self.name}` ({self.run})"

    def function(self) -> Callable:
        import importlib

        module, _, attr = (self.run or "").partition(":")
        return getattr(importlib.import_module(module), attr)


def _lookup_tables() -> tuple[str, ...]:
    from pipeline.normalise.lookups import LOOKUPS

    return tuple(f"seed_parsed_{kind}" for kind in LOOKUPS)


def steps() -> list[Step]:
    """Every Python step of the build. Each output table is written by this step alone."""
    return [
        Step("raw_feeds", "pipeline.warehouse:load_raw", (), ("raw_listings", "raw_quarantine"),
             "Every provider's latest good crawl feed (JSON Lines) loaded as it landed.", context=("runs",),
             external=("raw_listings",)),
        Step("credential_type_seed", "pipeline.warehouse:load_credential_types", (), ("seed_credential_types",),
             "The credential type vocabulary from spiders/record.py (one definition, no copy in SQL)."),
        Step("previous_seen", "pipeline.warehouse:load_previous_seen", (), ("seed_previous_seen",),
             "first_seen of every uid in the published catalogue, so it survives refreshes.",
             context=("published_path",)),
        Step("reuse_listings", "pipeline.reuse:reuse_listings", ("int_listings",), ("seed_reused_listings",),
             "The published normalised values of every listing whose content hash is unchanged (same normaliser "
             "version), copied instead of parsed again.", context=("published_path",)),
        Step("parse_values", "pipeline.reuse:parse_changed", ("int_listings", "seed_reused_listings"),
             _lookup_tables(),
             "Every distinct raw value of the listings not reused parsed once by pipeline.normalise (durations, "
             "prices, levels, ...)."),
        Step("match_listings", "pipeline.resolve:match", ("listings",),
             ("seed_clusters", "seed_links", "seed_duplicate_pairs", "listing_match_keys"),
             "The matcher: clusters of duplicate listings (ids carried over from the published catalogue), "
             "same_as links, and every listing's match keys (computed for new and changed listings only).", context=("published_path",)),
        Step("profile_prices", "pipeline.profiles:build_profile_prices", ("credentials",), ("seed_profile_prices",),
             "The price to earn each credential from its offers, in the reference currency at the ECB rate of the "
             "day it was seen (pipeline.normalise.prices, pipeline.normalise.currency)."),
        Step("skill_taxonomy", "pipeline.reuse:skill_taxonomy", (), ("skills", "skill_occupations"),
             "ESCO and O*NET skills from the vendored files (CC BY 4.0); copied from the published catalogue "
             "while the skills code and data are unchanged.", context=("published_path",)),
        Step("map_skills", "pipeline.skills.mapping:map_credential_skills", ("credentials", "skills"),
             ("credential_skills",), "Each credential's skills, title and outcomes mapped to the taxonomy (unchanged "
             "credentials keep their published rows).", context=("published_path",)),
        Step("ctdl_pathways", "pipeline.stacking.graph:load_ctdl_pathways", ("credentials", "int_step_figures"),
             ("stack_edges_external", "stack_conditions", "pathway_components", "pathway_constraints",
              "int_ctdl_steps"),
             "CTDL pathway documents: edges, N-of-M conditions, components (stages, courses, exit awards), "
             "constraints and per-destination steps."),
        Step("track_changes", "pipeline.history:track_changes", ("credentials",),
             ("changes", "credential_history", "refreshes"),
             "What changed since the published catalogue (added, updated with the changed columns, removed), "
             "and every credential's versions.", context=("published_path", "refreshed_at")),
        Step("search_terms", "pipeline.search:build_terms", ("search_documents",), ("search_terms",),
             "The words of the search documents with the number of credentials using each: the vocabulary a "
             "misspelt query word is corrected against (the published counts corrected by the changed documents).",
             context=("published_path",)),
        Step("stack_cycles", "pipeline.stacking.graph:find_stack_cycles", ("int_stack_edges",), ("stack_cycles",),
             "Cycles in the stacking graph: inferred edges closing one are dropped, explicit ones flagged."),
        Step("credential_runs", "pipeline.runs:build_runs", ("raw_listings", "listings", "credential_sources"),
             ("credential_runs",), "Every run (session, course instance) a source publishes, typed by "
             "pipeline.normalise beside its raw text."),
    ]


def is_published(table: str) -> bool:
    return not table.startswith(WORKING_PREFIXES)


@lru_cache(maxsize=1)
def _parser() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for parsing every model: opening one costs ~20 ms, once per model at start-up."""
    return duckdb.connect()


def tables_read(sql: str) -> tuple[str, ...]:
    """The tables a query reads, from DuckDB's parser (CTE names excluded)."""
    tree = json.loads(_parser().cursor().execute("select json_serialize_sql(?::varchar)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise RegistryError(tree.get("error_message") or "unparsable SQL")
    tables: set[str] = set()
    ctes: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                tables.add(node["table_name"])
            cte_map = node.get("cte_map")
            if isinstance(cte_map, dict):
                ctes.update(entry["key"] for entry in cte_map.get("map", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return tuple(sorted(tables - ctes))


def sql_model(path: Path) -> Producer:
    text = path.read_text(encoding="utf-8")
    try:
        inputs = tables_read(text)
    except RegistryError as exc:
        raise RegistryError(f"{path}: {exc}") from None
    lines = [ln[2:].strip() for ln in text.splitlines() if ln.startswith("--") and not ln.startswith(VIEW_MARK)]
    description = " ".join(lines[:3]).strip()
    return Producer(path.stem, "sql", inputs, (path.stem,), description, path=path,
                    view=text.startswith(VIEW_MARK))


@dataclass(frozen=True)
class Registry:
    producers: tuple[Producer, ...]  # in run order
    by_table: dict[str, Producer]

    def producer(self, table: str) -> Producer:
        if table not in self.by_table:
            raise KeyError(unknown(table, self.by_table, "no model or step builds"))
        return self.by_table[table]

    def published(self) -> list[str]:
        return [t for p in self.producers for t in p.outputs if is_published(t)]

    def plan(self, targets: Iterable[str] | None = None, given: Iterable[str] = ()) -> list[Producer]:
        """The producers that build ``targets`` (default: every table), in run order, taking the ``given``
        tables as already there."""
        given = set(given)
        if targets is None:
            wanted = {p.name for p in self.producers if not set(p.outputs) <= given}
        else:
            wanted, todo = set(), [self.producer(t) for t in targets if t not in given]
            while todo:
                p = todo.pop()
                if p.name in wanted:
                    continue
                wanted.add(p.name)
                todo += [self.by_table[t] for t in p.inputs if t not in given]
        return [p for p in self.producers if p.name in wanted]

    def published_inputs(self, table: str) -> tuple[set[str], set[str]]:
        """The published tables and external assets ``table`` is built from, looking through working tables."""
        tables, external, todo, seen = set(), set(), list(self.producer(table).inputs), set()
        external.update(self.producer(table).external)
        while todo:
            t = todo.pop()
            if t in seen:
                continue
            seen.add(t)
            if is_published(t):
                tables.add(t)
                continue
            p = self.by_table[t]
            external.update(p.external)
            todo += p.inputs
        return tables, external


def unknown(name: str, known: Iterable[str], what: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)
    return f"{what} `{name}`" + (f" (did you mean {', '.join(close)}?)" if close else "")


def build_registry(sql_dir: Path, step_list: list[Step]) -> Registry:
    """Read the models under ``sql_dir`` and the steps, validate them, order them; raise RegistryError."""
    producers: list[Producer] = []
    for layer in LAYERS:
        producers += [sql_model(path) for path in sorted((sql_dir / layer).glob("*.sql"))]
    producers += [Producer(s.name, "python", s.inputs, s.outputs, s.description, run=s.run, context=s.context,
                           external=s.external)
                  for s in step_list]
    by_table: dict[str, Producer] = {}
    names: set[str] = set()
    for p in producers:
        if p.name in names and p.kind == "python":
            raise RegistryError(f"two producers are named `{p.name}`")
        names.add(p.name)
        for t in p.outputs:
            if t in by_table:
                raise RegistryError(f"table `{t}` has two producers: {by_table[t].where} and {p.where}")
            by_table[t] = p
    for p in producers:
        for t in p.inputs:
            if t not in by_table:
                raise RegistryError(f"{p.where} reads " + unknown(t, by_table, "a table no model or step builds:"))
    # topological order; ties keep the declaration order (staging, intermediate, marts, then steps)
    ordered: list[Producer] = []
    done: set[str] = set()
    pending = list(producers)
    while pending:
        ready = [p for p in pending if all(t in done or t in p.outputs for t in p.inputs)]
        if not ready:
            raise RegistryError("dependency cycle among: " + ", ".join(p.where for p in pending))
        first = ready[0]
        ordered.append(first)
        done.update(first.outputs)
        pending.remove(first)
    return Registry(tuple(ordered), by_table)


QUERY_DIR = "matching"  # sql/matching/: queries a step runs on its own inputs, not catalogue tables


def query_path(name: str, sql_dir: Path | None = None) -> Path:
    """The file of the query model ``name`` (run by :func:`pipeline.warehouse.query`)."""
    folder = (sql_dir or paths.SQL_DIR) / QUERY_DIR
    path = folder / f"{name}.sql"
    if not path.is_file():
        raise KeyError(unknown(name, [p.stem for p in folder.glob("*.sql")], f"no query model in {folder}:"))
    return path


def query_paths(sql_dir: Path | None = None) -> list[Path]:
    """Every query model's file (what the matcher runs; part of its version in pipeline.reuse)."""
    return sorted(((sql_dir or paths.SQL_DIR) / QUERY_DIR).glob("*.sql"))


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The project's registry (``sql/`` and :func:`steps`), read once per process."""
    return build_registry(paths.SQL_DIR, steps())
