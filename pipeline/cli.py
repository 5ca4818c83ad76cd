"""``credcat``: the command line. A thin face over the same functions and asset graph Dagster runs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline import paths


def _fail(message: str, code: int = 2) -> int:
    print(f"credcat: {message}", file=sys.stderr)
    return code


# -- refresh --------------------------------------------------------------------------------------------------
def cmd_refresh(args: argparse.Namespace) -> int:
    from pipeline.refresh import refresh

    try:
        report = refresh(providers=args.provider or None, offline=args.offline)
    except KeyError as exc:
        return _fail(str(exc.args[0]))
    print(report.render())
    return 0 if report.published else 1


# -- sql ------------------------------------------------------------------------------------------------------
def open_catalogue(path: Path | None = None):
    """A read-only connection to the published catalogue (never blocks or is blocked by a refresh)."""
    import duckdb

    path = path or paths.catalogue_path()
    if not path.exists():
        raise FileNotFoundError(f"no catalogue at {path}: run `credcat refresh --offline` (or `make demo`) first")
    return duckdb.connect(str(path), read_only=True)


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    try:
        con = open_catalogue()
    except FileNotFoundError as exc:
        return _fail(str(exc))
    try:
        rel = con.sql(args.query)
        if rel is None:
            return _fail("the statement returned no rows (the catalogue is read-only here)")
        columns = rel.columns
        rows = rel.fetchall()
    except duckdb.Error as exc:
        return _fail(f"query failed: {exc}")
    finally:
        con.close()
    if args.json:
        print(json.dumps([dict(zip(columns, row)) for row in rows], default=str, ensure_ascii=False, indent=2))
    else:
        print(format_table(columns, rows))
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
    except FileNotFoundError as exc:
        return _fail(str(exc))
    try:
        if args.markdown:
            print(dictionary.markdown(con))
            return 0
        if args.coverage:
            columns, rows = dictionary.coverage(con, args.table or "credentials")
            if args.json:
                print(json.dumps([dict(zip(columns, r)) for r in rows], default=str, indent=2))
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
        print(json.dumps([c.__dict__ for c in cols], default=list, indent=2, ensure_ascii=False))
        return 0
    current = None
    for c in cols:
        if c.table != current:
            current = c.table
            print(f"\n{c.table}: {dictionary.table_doc(c.table) or ''}")
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
    try:
        if args.provider:
            report = validate.dry_run_provider(args.provider, offline=args.offline, file=file)
        else:
            report = validate.validate_feed(file)
    except KeyError as exc:
        return _fail(str(exc.args[0]))
    except RuntimeError as exc:
        return _fail(str(exc))
    print(json.dumps(report.as_dict(), indent=2, default=str) if args.json else report.render())
    return 0 if report.ok else 1


# -- entry point ----------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credcat", description="An open catalogue of micro-credentials.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("refresh", help="crawl, build, check and publish the catalogue once")
    p.add_argument("--offline", action="store_true", help="crawl the bundled snapshots over loopback HTTP")
    p.add_argument("--provider", action="append", metavar="NAME", help="refresh only this provider (repeatable)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("sql", help="run a read-only SQL query on the published catalogue")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="print a JSON array of row objects")
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
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import warnings

    warnings.filterwarnings("ignore", module="dagster")
    warnings.filterwarnings("ignore", message=".*(beta|preview|superseded).*", category=Warning)
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
