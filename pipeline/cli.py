"""``credcat``: the command line. A thin face over the same functions and asset graph Dagster runs."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.query import QueryError


def print_json(value) -> None:
    """What every ``--json`` prints: typed JSON (nested JSON as JSON, ISO 8601 times, NaN as null)."""
    from pipeline.query import json_value

    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        value = dataclasses.asdict(value)
    print(json.dumps(json_value(value), indent=2, ensure_ascii=False, allow_nan=False))


def _rows_json(cursor) -> list[dict]:
    """A cursor's rows as JSON objects, typed by its column types (JSON columns parsed)."""
    from pipeline.query import json_value

    cols = [(d[0], d[1]) for d in cursor.description]
    return [{c: json_value(v, t) for (c, t), v in zip(cols, row)} for row in cursor.fetchall()]


def _fail(message: str, code: int = 2) -> int:
    print(f"credcat: {message}", file=sys.stderr)
    return code


# -- refresh --------------------------------------------------------------------------------------------------
def cmd_refresh(args: argparse.Namespace) -> int:
    import signal

    from pipeline.lock import LockBusy
    from pipeline.refresh import RefreshStopped, refresh

    try:
        report = refresh(providers=args.provider or None, offline=args.offline, crawl=not args.no_crawl)
    except KeyError as exc:
        return _fail(str(exc.args[0]))
    except LockBusy as exc:
        return _fail(f"another refresh is running: {exc}", 75)  # EX_TEMPFAIL: try again later
    except RefreshStopped as exc:
        return _fail(str(exc), 128 + signal.Signals[exc.signame].value)
    print(report.render())
    return 0 if report.published else 1


def cmd_status(args: argparse.Namespace) -> int:
    """Per provider: the last crawl's outcome, the feed in use, its freshness, the last failure and why."""
    from pipeline.crawl import provider_status
    from spiders import config

    rows = [provider_status(name) for name in sorted(config.providers())]
    rows = [r for r in rows if r["provider"] in config.crawled() or r["feed"]]  # import-only: once imported
    if args.json:
        print_json(rows)
    else:
        print(format_table(["provider", "crawl", "listings", "last success", "age (h)", "stale since", "last failure", "why"],
                           [[r["provider"], r["crawl"], r["listings"], r["last_success"], r["age_hours"],
                             r["stale_since"], r["last_failure"], r["last_failure_reason"]] for r in rows]))
    return 1 if any(r["stale"] for r in rows) else 0


# -- sql ------------------------------------------------------------------------------------------------------
def open_catalogue(path: Path | None = None, **kwargs):
    """A read-only, sandboxed connection to the published catalogue (``pipeline.query.connect``): never blocks
    or is blocked by a refresh, and reads nothing but the catalogue."""
    from pipeline import query

    return query.connect(path, **kwargs)


def cmd_sql(args: argparse.Namespace) -> int:
    from pipeline import query

    limits = query.Limits(max_rows=args.max_rows, timeout=args.timeout)
    try:
        con = open_catalogue(limits=limits)
    except (FileNotFoundError, query.QueryError) as exc:
        return _fail(str(exc))
    try:
        result = query.run(con, args.query, limits)
    except query.QueryError as exc:
        return _fail(str(exc))
    finally:
        con.close()
    if args.json:
        print_json(result.records())
    else:
        print(format_table(result.columns, result.rows))
    return 0


def format_table(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A plain-text table: aligned columns, long cells cut, row count at the end."""
    def cell(v) -> str:
        s = "" if v is None else (json.dumps(v, default=str, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v))
        s = s.replace("\n", " ")
        return s if len(s) <= 60 else s[:57] + "..."

    body = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in body]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


# -- describe -------------------------------------------------------------------------------------------------
def cmd_describe(args: argparse.Namespace) -> int:
    from pipeline import dictionary

    try:
        con = open_catalogue()
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        if args.markdown and not args.json:  # with --json: the dictionary as JSON, below
            print(dictionary.markdown(con))
            return 0
        if args.coverage:
            columns, rows = dictionary.coverage(con, args.table or "credentials")
            if args.json:
                print_json([dict(zip(columns, r)) for r in rows])
            else:
                # one line per column, one column per provider: easier to read than a 30-column-wide table
                providers = [r[0] for r in rows]
                table = [[c, *[r[i] for r in rows]] for i, c in enumerate(columns) if i > 0]
                print(format_table(["field", *providers], table))
            return 0
        try:
            cols = dictionary.describe(con, args.table)
        except KeyError as exc:
            return _fail(str(exc.args[0]))
    finally:
        con.close()
    if args.json:
        print_json([{**c.__dict__, "built_by": dictionary.built_by(c.table)} for c in cols])
        return 0
    current = None
    for c in cols:
        if c.table != current:
            current = c.table
            print(f"\n{c.table}: {dictionary.table_doc(c.table) or ''}")
            print(f"  built by: {dictionary.built_by(c.table)}")
        print(f"  {c.name:<22} {c.type:<26} {c.doc or 'UNDOCUMENTED'}")
        if c.vocabulary:
            print(f"  {'':<22} {'':<26} values: {', '.join(c.vocabulary)}")
        for provider, where in sorted(c.sources.items()):
            print(f"  {'':<22} {'':<26} {provider}: {where}")
    return 0


# -- validate -------------------------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from pipeline import validate

    if not args.provider and not args.file:
        return _fail("give --provider NAME, a FILE, or both")
    file = Path(args.file) if args.file else None
    if file is not None and not file.is_file():
        return _fail(f"cannot read {file}: no such file")
    from pipeline import tabular

    try:
        # a table file (a JSON Lines file only with --map: without, it is a feed or the provider's own export)
        if file is not None and tabular.is_tabular(file) and (file.suffix.lower() not in (".jsonl", ".ndjson") or args.map):
            report = validate.validate_table(file, args.provider, tabular.parse_map(args.map))
        elif args.provider:
            report = validate.dry_run_provider(args.provider, offline=args.offline, file=file)
        else:
            report = validate.validate_feed(file)
    except KeyError as exc:
        return _fail(str(exc.args[0]))
    except (RuntimeError, tabular.TableImportError) as exc:
        return _fail(str(exc))
    print_json(report.as_dict()) if args.json else print(report.render())
    return 0 if report.ok else 1


# -- import (tables) ------------------------------------------------------------------------------------------
def cmd_import_table(args: argparse.Namespace) -> int:
    """``credcat import FILE.csv|.jsonl|.parquet --as PROVIDER --map FIELD=COLUMN``: pipeline/tabular.py."""
    from pipeline import tabular

    tables = [s for s in args.source if tabular.is_tabular(s)]
    if not tables:  # documents and URLs: the document import (pipeline/imports.py) handles them
        return _fail(f"not a table file (expected {', '.join(tabular.SUFFIXES)}): {' '.join(args.source)}")
    if len(tables) != len(args.source) or len(tables) > 1:
        return _fail("import one table file at a time")
    path = Path(tables[0])
    if not path.is_file():
        return _fail(f"cannot read {path}: no such file")
    if not args.as_provider:
        return _fail("give --as PROVIDER: the provider the file's listings belong to")
    try:
        result, run, report = tabular.import_table(path, args.as_provider, tabular.parse_map(args.map),
                                                   save=not args.no_save)
    except tabular.TableImportError as exc:
        return _fail(str(exc))
    print(tabular.render(result))
    print(f"feed: {run.run_dir}")
    if report is not None:
        print(report.render())
    if not result.listings:
        print("FAILED: nothing accepted", file=sys.stderr)
        return 1
    return 0 if report is not None and report.published else 1


# -- plan, pathways, export -----------------------------------------------------------------------------------
def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def cmd_plan(args: argparse.Namespace) -> int:
    from pipeline.planner import PlanError, plan, render_plan

    if not _split(args.want) and not args.to:
        return _fail("give at least one skill with --want SKILL, or a destination with --to UID")
    try:
        con = open_catalogue()
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        result = plan(con, want=_split(args.want), have=_split(args.have), max_hours=args.max_hours,
                      max_cost=args.max_cost, level=args.level, objective="cost" if args.by_cost else "hours",
                      goal=args.goal, to=args.to, alternatives=args.alternatives, any_mention=args.any_mention)
    except PlanError as exc:
        return _fail(str(exc))
    finally:
        con.close()
    print_json(result.to_dict()) if args.json else print(render_plan(result))
    return 0 if result.feasible else 1


def cmd_pathways(args: argparse.Namespace) -> int:
    from pipeline.planner import resolve_wants
    from pipeline.stacking.render import pathway_tree, render_pathway_tree

    if not args.skill and not args.credential:
        return _fail("give --skill TEXT or --credential ID")
    try:
        con = open_catalogue()
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        if args.credential and not con.execute("select 1 from pathways where destination = ?",
                                               [args.credential]).fetchone():
            return _fail(f"no pathway leads to {args.credential!r} (is it a uid of a credential others stack into?)")
        if args.json:
            if args.credential:
                print_json(pathway_tree(con, args.credential))
            else:
                print_json(_rows_json(con.execute(
                    "select * from skill_pathways where skill_key in (select unnest(?)) order by rank",
                    [resolve_wants(con, [args.skill])[args.skill]])))
        else:
            print(render_pathway_tree(con, destination=args.credential, skill=args.skill, limit=args.limit))
    finally:
        con.close()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.format != "parquet":
        return cmd_export_interchange(args)
    from pipeline.exports import export_catalogue

    try:
        con = open_catalogue(sandboxed=False)  # export writes its own Parquet files
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        manifest = export_catalogue(con, args.out, refresh_id=args.refresh_id, keep=args.keep)
    except (ValueError, LookupError, OSError) as exc:  # bad or existing refresh id, missing table, unwritable --out
        return _fail(f"cannot export to {args.out}: {exc.strerror}" if getattr(exc, "strerror", None) else str(exc))
    finally:
        con.close()
    if args.json:
        print_json(manifest)
    else:
        print(f"exported {manifest['refresh_id']} to {Path(args.out) / manifest['refresh_id']} "
              f"(latest -> {manifest['refresh_id']}; previous: {manifest['previous'] or 'none'})")
        for table, meta in manifest["tables"].items():
            print(f"  {table:<20} {meta['rows']:>8} rows  {meta['file']}")
        if manifest.get("change_set"):
            cs = manifest["change_set"]
            print(f"change set {cs['from_refresh'] or 'none'} -> {cs['to_refresh']}: "
                  + ", ".join(f"{n} {k}" for k, n in cs["counts"].items()))
        if manifest["removed"]:
            print(f"removed older exports: {', '.join(manifest['removed'])}")
    return 0


# -- search (pipeline/search.py) ------------------------------------------------------------------------------
def cmd_search(args: argparse.Namespace) -> int:
    from pipeline import search

    filters = search.Filters(credential_type=args.type, skill=args.skill, level=args.level, max_hours=args.max_hours,
                             max_cost=args.max_cost, language=args.language, provider=args.provider, free=args.free)
    try:
        con = search.connect()
    except (FileNotFoundError, QueryError, search.SearchError) as exc:
        return _fail(str(exc))
    try:
        result = search.search(con, args.query, filters, limit=args.limit)
    except search.SearchError as exc:
        return _fail(str(exc))
    finally:
        con.close()
    print_json(result.to_dict()) if args.json else print(search.render(result))
    return 0


# -- serve (pipeline/api.py) ----------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    from pipeline import api

    print(f"credcat: serving the published catalogue on http://{args.host}:{args.port} "
          f"(docs: /docs, OpenAPI: /openapi.json); Ctrl-C stops", file=sys.stderr)
    api.serve(host=args.host, port=args.port)
    return 0


# -- report (pipeline/report.py) ------------------------------------------------------------------------------
def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import CHARTS, write_report

    try:
        con = open_catalogue()
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        out = write_report(con, Path(args.out))
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}")
    finally:
        con.close()
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, {len(CHARTS)} charts, opens offline)")
    return 0


def cmd_export_interchange(args: argparse.Namespace) -> int:
    """``export --format ob3|ctdl|...``: the catalogue as another standard's documents (pipeline/interchange)."""
    from pipeline import interchange

    try:
        con = open_catalogue()
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        summary = interchange.writer(args.format)(con, Path(args.out))
    except (ValueError, OSError) as exc:
        return _fail(f"cannot export to {args.out}: {exc.strerror}" if getattr(exc, "strerror", None) else str(exc))
    finally:
        con.close()
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(f"exported {args.format} to {summary['path']}: " + ", ".join(f"{n} {k}" for k, n in summary["counts"].items()))
    return 0


# -- import ---------------------------------------------------------------------------------------------------
def cmd_import(args: argparse.Namespace) -> int:
    """Documents (Open Badges, CTDL; files or URLs) -> a feed of their own -> rebuild and publish; a table file
    (CSV, TSV, JSON Lines, Parquet) goes through pipeline/tabular.py instead, chosen by its suffix."""
    from pipeline import tabular
    from pipeline.imports import ImportFailed, import_documents
    from pipeline.lock import LockBusy

    if any(tabular.is_tabular(s) for s in args.source):
        return cmd_import_table(args)

    try:
        report = import_documents(args.source, as_provider=args.as_provider, spider=args.spider)
    except (ImportFailed, KeyError) as exc:
        return _fail(str(exc.args[0]) if exc.args else str(exc))
    except LockBusy as exc:
        return _fail(f"another refresh is running: {exc}", 75)
    print(json.dumps(report.as_dict(), indent=2, default=str) if args.json else report.render())
    return 0 if report.ok else 1


# -- dedupe ---------------------------------------------------------------------------------------------------
def cmd_changes(args: argparse.Namespace) -> int:
    """The change feed: what the latest refresh (or every refresh after --since) added, updated and removed."""
    from pipeline.history import read_changes

    con = open_catalogue()
    try:
        feed = read_changes(con, args.since)
    except (LookupError, ValueError) as exc:
        return _fail(str(exc))
    finally:
        con.close()
    if args.json:
        print(json.dumps(feed, indent=2, ensure_ascii=False))
        return 0
    span = f"since {args.since}" if args.since else f"in refresh {feed['refreshes'][-1] if feed['refreshes'] else '-'}"
    c = feed["counts"]
    print(f"{c['added']} added, {c['updated']} updated, {c['removed']} removed {span}")
    if feed["changes"]:
        print(format_table(["refresh", "change", "uid", "title", "changed fields"],
                           [[r["refresh_id"], r["change"], r["uid"], r["title"], ", ".join(r["changed_fields"])]
                            for r in feed["changes"]]))
    return 0


def cmd_dedupe(args: argparse.Namespace) -> int:
    from pipeline.matching.cli import run_dedupe_cli

    return run_dedupe_cli(args.args)


# -- entry point ----------------------------------------------------------------------------------------------
def _positive(kind, zero: bool = False):
    """An argparse type: a finite number above zero (or from zero), else a one-line usage error."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not ((value >= 0 if zero else value > 0) and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"must be a number {'from 0' if zero else 'above 0'}, got {text}")
        return value
    parse.__name__ = kind.__name__
    return parse


# -- show / compare (credential profiles) ---------------------------------------------------------------------
def cmd_profiles(args: argparse.Namespace) -> int:
    from pipeline import profiles

    try:
        con = open_catalogue()
    except (FileNotFoundError, QueryError) as exc:
        return _fail(str(exc))
    try:
        found = profiles.compare(con, args.uid)
    except profiles.ProfileNotFound as exc:
        return _fail(str(exc.args[0]), 1)
    finally:
        con.close()
    single = args.command == "show"
    if args.json:
        print(profiles.to_json(found[0] if single else found))
    else:
        print(profiles.render_show(found[0]) if single else profiles.render_compare(found))
    return 0


def cmd_skills_match(args: argparse.Namespace) -> int:
    from pipeline.skills.command import run

    try:
        return run(args.text, args.file, args.framework, args.top, args.json)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))


MANUAL = """\
credcat: an open catalogue of micro-credentials (courses, certificates, badges, programmes), crawled from
providers with Scrapy, built with Dagster, published as one DuckDB file that analysts and services read.

A refresh crawls every provider, builds the catalogue in a working file, checks it and swaps it in
atomically: readers (sql, search, serve, ...) never wait for it and never see half a catalogue. Every read
command takes --json for typed JSON (nested values as JSON, ISO 8601 times, no NaN). `credcat COMMAND --help`
describes each command's options."""

MANUAL_EPILOG = """\
first steps:
  credcat refresh --offline                  build the demo catalogue from the bundled snapshots
  credcat search "machine learning" --free   rank credentials (BM25, typo-tolerant), with facet counts
  credcat sql "select credential_type, count(*) as credentials from credentials group by 1"
  credcat describe credentials               what every column means and where it comes from
  credcat plan --want python --want sql      the least-hours stack that teaches these skills
  credcat serve                              the JSON API on http://127.0.0.1:8000 (docs at /docs)
  credcat export --out exports               Parquet + JSON Schemas + manifest; exports/latest/ is the newest

environment:
  CREDCAT_DATA_DIR       raw feeds, build file, published catalogue, exports (default ./data)
  CREDCAT_CATALOGUE      the published catalogue file (default $CREDCAT_DATA_DIR/catalogue.duckdb)
  CREDCAT_EXPORTS_KEEP   how many exports `credcat export` keeps (default 10)
  CREDCAT_DUCKDB_MEMORY  DuckDB memory cap for builds (default 2500MB; spills to disk beyond it; `default`: DuckDB's own, 80% of RAM)
  CREDCAT_STEP_DUCKDB_MEMORY  the build's cap while the skill mapper runs (default 1GB)
  DAGSTER_HOME           Dagster's run history (`make dagster` sets it)

exit status: 0 done; 1 done but not clean (checks failed, stale providers, no feasible plan);
2 bad usage or input (the message says what to do); 75 another refresh holds the lock, try later."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credcat", description=MANUAL, epilog=MANUAL_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")

    p = sub.add_parser("refresh", help="crawl, build, check and publish the catalogue once")
    p.add_argument("--offline", action="store_true", help="crawl the bundled snapshots over loopback HTTP")
    p.add_argument("--provider", action="append", metavar="NAME", help="refresh only this provider (repeatable)")
    p.add_argument("--no-crawl", action="store_true",
                   help="crawl nothing: rebuild, check and publish from every provider's latest good feed")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("status", help="per provider: last success, last failure and why, listings, freshness, stale")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("sql", help="run a read-only SQL query on the published catalogue")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="print a JSON array of row objects")
    p.add_argument("--max-rows", type=_positive(int), default=10_000, metavar="N",
                   help="refuse a result of more than N rows (default 10000)")
    p.add_argument("--timeout", type=_positive(float), default=30.0, metavar="SECONDS",
                   help="stop the query after this long (default 30)")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("describe", help="the data dictionary: tables, columns, meanings, vocabularies, sources")
    p.add_argument("table", nargs="?", help="one table (default: every published table)")
    p.add_argument("--coverage", action="store_true", help="share of listings per provider with each field filled")
    p.add_argument("--markdown", action="store_true", help="print the whole dictionary as Markdown")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("validate", help="dry run: what would be accepted and quarantined, and why; publishes nothing")
    p.add_argument("file", nargs="?", help="a JSON Lines feed of canonical records, or with --provider an export "
                                           "in that provider's format")
    p.add_argument("--provider", metavar="NAME", help="crawl this provider (or read FILE with its spider)")
    p.add_argument("--offline", action="store_true", help="crawl the provider's bundled snapshot")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="for a CSV / JSON Lines / Parquet FILE: as for `credcat import` (not saved)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("dedupe", add_help=False, prefix_chars="\0",
                       help="deduplicate (one input) or link (two inputs) your own CSV / JSON Lines / Parquet files; "
                            "`credcat dedupe --help` for its options")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_dedupe)

    p = sub.add_parser("plan", help="the stack a learner would follow to earn a recognised credential that teaches "
                                    "given skills (cheapest with --by-cost, else shortest), with alternatives")
    p.add_argument("--want", action="append", metavar="SKILL[,SKILL...]")
    p.add_argument("--goal", choices=["credential", "any"], default="credential",
                   help="credential (default): earn a certificate, certification, micro-credential or degree "
                        "programme covering the skills; any: loose learning opportunities will do")
    p.add_argument("--to", metavar="UID", help="plan to this destination through its pathway")
    p.add_argument("--have", action="append", metavar="UID", help="uids of credentials already held")
    p.add_argument("--max-hours", type=_positive(float, zero=True))
    p.add_argument("--max-cost", type=_positive(float, zero=True))
    p.add_argument("--level", help="nothing above this level (beginner, intermediate, advanced)")
    p.add_argument("--by-cost", action="store_true", help="minimise total cost instead of total hours")
    p.add_argument("--alternatives", type=_positive(int, zero=True), default=2, metavar="K",
                   help="alternative plans besides the best (default 2)")
    p.add_argument("--any-mention", action="store_true",
                   help="count a skill a credential only mentions, not just the skills it is about")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("pathways", help="print pathways as trees, for a skill or a destination credential")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--skill", metavar="TEXT")
    g.add_argument("--credential", metavar="ID")
    p.add_argument("--limit", type=_positive(int), default=3, help="pathways to show for a skill")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pathways)

    p = sub.add_parser("changes", help="what the latest refresh (or every refresh since a time) added, updated, removed")
    p.add_argument("--since", metavar="REFRESH", help="a refresh id (20261201T142233Z) or an ISO 8601 time")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_changes)

    p = sub.add_parser("show", help="one credential's profile: each element with its provenance and evidence")
    p.add_argument("uid", nargs=1, metavar="UID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profiles)
    p = sub.add_parser("compare", help="credentials side by side, element by element, with provenance marks")
    p.add_argument("uid", nargs="+", metavar="UID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profiles)

    p = sub.add_parser("skills", help="skill taxonomy tools: `skills match TEXT...` maps strings to ESCO / O*NET")
    skills_sub = p.add_subparsers(dest="skills_command", required=True)
    q = skills_sub.add_parser("match", help="the ESCO / O*NET concepts each string names (empty when none fits)")
    q.add_argument("text", nargs="*", help="skill strings (quote each one)")
    q.add_argument("--file", metavar="FILE", help="more strings, one per line ('-' reads standard input)")
    q.add_argument("--framework", choices=["esco", "onet"], help="only this framework (default: both)")
    q.add_argument("--top", type=_positive(int), default=5, metavar="K", help="concepts per string (default 5)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_skills_match)

    p = sub.add_parser("search", help="full-text search (BM25, typo-tolerant) with filters and facet counts",
                       description="Rank credentials by BM25 over title, description, skills and outcomes; a "
                                   "misspelt word is corrected to the closest catalogue word. Filters combine (AND).",
                       epilog='e.g. credcat search "machine learning" --level beginner --free --json')
    p.add_argument("query", help="words to search for")
    p.add_argument("--type", metavar="T", help="credential type (course, learning_program, certification, ...)")
    p.add_argument("--skill", metavar="S", help="has this skill (stated, or mapped: label or skill_id)")
    p.add_argument("--level", choices=["beginner", "intermediate", "advanced", "mixed"])
    p.add_argument("--max-hours", type=_positive(float, zero=True), metavar="H",
                   help="workload at most H hours (unknown workload excluded)")
    p.add_argument("--max-cost", type=_positive(float, zero=True), metavar="C",
                   help="primary price at most C (in its own currency; unknown excluded)")
    p.add_argument("--language", metavar="L", help="language tag; `en` also matches en-US, en-GB")
    p.add_argument("--provider", metavar="P", help="listed by this provider")
    p.add_argument("--free", action="store_true", help="only credentials whose primary offer is free")
    p.add_argument("--limit", type=_positive(int), default=10, metavar="N", help="hits to show (default 10)")
    p.add_argument("--json", action="store_true", help="hits, corrections and facet counts as JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("serve", help="a read-only JSON API (OpenAPI at /openapi.json, offline docs at /docs)",
                       description="Serve the published catalogue over HTTP: /search, /credentials/{uid}, /pathways, "
                                   "/plan, /skills/match, /providers, /tables. A new publish is picked up without "
                                   "a restart.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_positive(int), default=8000, help="port (default 8000)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", help="write one self-contained HTML page of charts about the catalogue")
    p.add_argument("--out", default="report.html", metavar="FILE", help="where to write it (default report.html)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="write versioned Parquet + JSON Schemas + manifest; move `latest` last "
                                      "(or, with --format, the credentials as Open Badges 3.0 / CTDL documents)")
    p.add_argument("--out", required=True, metavar="DIR")
    from pipeline import interchange

    p.add_argument("--format", choices=["parquet", *interchange.formats()], default="parquet",
                   help="parquet (default): the versioned tables; " + "; ".join(
                       f"{name}: {doc}" for name, doc in interchange.formats().items()))
    p.add_argument("--refresh-id", help="name of the export folder (default: a UTC timestamp)")
    p.add_argument("--keep", type=_positive(int), metavar="N",
                   help="keep the newest N exports, remove older ones (default: CREDCAT_EXPORTS_KEEP or 10)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="read documents (Open Badges, CTDL; files or URLs) or a catalogue file (CSV, TSV, "
                                      "JSON Lines, Parquet) into the catalogue and publish it; prints what was "
                                      "accepted and what was quarantined, and why")
    p.add_argument("source", nargs="+", metavar="SOURCE",
                   help="a document (a file path or an http(s) URL), or one table file")
    p.add_argument("--as", dest="as_provider", metavar="PROVIDER",
                   help="the provider the listings belong to (required for a table; for documents, default: the "
                        "spider's own provider)")
    p.add_argument("--spider", metavar="NAME", help="documents: the spider that reads them (default: told from the "
                                                    "documents, else the --as provider's)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="tables: record field from a column (`a|b`: first non-empty; `{col} hours`: a template); "
                        "saved in providers.toml for the next import (repeatable)")
    p.add_argument("--no-save", action="store_true", help="tables: do not save the mapping in providers.toml")
    p.add_argument("--json", action="store_true", help="documents: the report as JSON")
    p.set_defaults(func=cmd_import)

    from pipeline import lake  # the catalogue as a DuckLake for many readers (docs/scaling.md)

    p = sub.add_parser("lake", help="publish the catalogue as one DuckLake snapshot (metadata + Parquet files) that "
                                    "many readers on other machines open read-only")
    p.add_argument("--metadata", required=True, metavar="FILE", help="the lake's SQLite metadata file")
    p.add_argument("--data-path", required=True, metavar="DIR", help="where the lake's Parquet files go")
    p.set_defaults(func=lake.command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import warnings

    warnings.filterwarnings("ignore", module="dagster")
    warnings.filterwarnings("ignore", message=".*(beta|preview|superseded).*", category=Warning)
    import duckdb

    args = build_parser().parse_args(argv)
    for name, value in vars(args).items():  # undecodable bytes in an argument reach DuckDB as lone surrogates
        if name not in PATH_ARGS and any(isinstance(v, str) and not _is_text(v) for v in _values(value)):
            return _fail(f"the {name.replace('_', '-')} argument is not valid UTF-8 text")
    try:
        return args.func(args)
    except duckdb.Error as exc:  # e.g. a table name that does not exist: one line, not a traceback
        return _fail(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    except BrokenPipeError:  # `credcat sql ... | head`: the reader left early, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a missing or unreadable file named in the environment (e.g. CREDCAT_PROVIDERS)
        return _fail(f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename else str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


PATH_ARGS = {"file", "out", "args", "source"}  # file names may be any bytes; dedupe parses its own arguments


def _values(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
