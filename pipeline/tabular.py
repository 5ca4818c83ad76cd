"""Tabular imports: a user's own catalogue file (CSV, JSON Lines, Parquet) becomes a provider's raw feed.

A column mapping (``field=column``) turns each row into a raw :class:`spiders.record.Listing` carrying the
file's own text only (the normaliser parses it, as for a crawl). Rows go through the same record contract as
a crawl's items (``spiders.record.validate``); a row that breaks it is a quarantine row with the reason. The
feed lands as a run folder in the same on-disk format as a crawl (``pipeline/crawl.py``: ``listings.jsonl``,
``quarantine.jsonl``, ``stats.json``, ``crawl.log``), ``LATEST`` moves to it, and the catalogue is rebuilt and
published from every provider's latest feed, so matching and the asset checks treat it like any crawl.

Mapping values:
- ``title=course_title``: the column's text;
- ``description=course_description|summary``: the first of these columns that is not empty;
- ``duration_text={content_duration} hours`` or ``credential_type={}course``: a template (``{column}``
  placeholders; a row whose placeholders are all empty gives no value; ``{}`` alone marks a constant).

The mapping used is saved under ``[providers.<name>.import]`` in the provider configuration
(``spiders/providers.toml``) so the next import of the same export needs no ``--map``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spiders import config
from spiders.items import Quarantined
from spiders.record import LISTING_FIELDS, Listing, validate

SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")
# Fields the importer sets itself: who, when and where from.
OWN_FIELDS = {"source", "uid", "fetched_at", "source_url", "raw"}
FIELD_TYPES = {f.name: f.metadata["sql"] for f in LISTING_FIELDS if f.name not in OWN_FIELDS}
# What a row needs besides its mapping: a credential type (a catalogue export lists courses unless told).
DEFAULTS = {"credential_type": "{}course"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TableImportError(ValueError):
    """A file or mapping that cannot be imported at all (the message says what to change)."""


def is_tabular(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


# -- reading -----------------------------------------------------------------------------------------------------
def read_rows(path: Path) -> tuple[list[str], list[dict[str, Any]], list[dict]]:
    """Columns, rows (column -> value) and per-row problems (rows not UTF-8 or not JSON) of a table file."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return list(table.column_names), table.to_pylist(), []
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    text = data.decode("utf-8", errors="surrogateescape")  # bad bytes survive as lone surrogates: quarantined per row
    problems: list[dict] = []
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if suffix == ".tsv" else ",")
        columns = [c for c in (reader.fieldnames or [])]
        if not columns:
            raise TableImportError(f"{path}: no header row")
        rows = []
        for row in reader:
            extra = row.pop(None, None)  # more cells than header columns
            if extra:
                row["__extra__"] = extra
            rows.append(row)
        return columns, rows, problems
    rows, columns = [], {}
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            problems.append({"row": n, "reason": "invalid_json", "message": f"line {n}: {exc}", "raw": line})
            continue
        if not isinstance(value, dict):
            problems.append({"row": n, "reason": "wrong_type", "message": f"line {n}: not a JSON object", "raw": line})
            continue
        value["__line__"] = n
        rows.append(value)
        columns.update(dict.fromkeys(k for k in value if k != "__line__"))
    return list(columns), rows, problems


# -- mapping -----------------------------------------------------------------------------------------------------
def parse_map(items: list[str] | None) -> dict[str, str]:
    """``["title=name", ...]`` -> ``{"title": "name"}``; unknown fields are a clear error."""
    mapping: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise TableImportError(f"--map {item!r}: write FIELD=COLUMN (e.g. title=course_title)")
        if name not in FIELD_TYPES:
            raise TableImportError(f"--map {item!r}: {name!r} is not a record field; fields: {', '.join(sorted(FIELD_TYPES))}")
        mapping[name] = value.strip()
    return mapping


def saved_mapping(provider: str) -> dict[str, str]:
    return dict(config.provider(provider).get("import", {}).get("map", {}))


def check_mapping(mapping: dict[str, str], columns: list[str]) -> None:
    """Every column a mapping names must exist in the file (else nothing useful would be read)."""
    cols = set(columns)
    missing = sorted({c for value in mapping.values() for c in _columns_of(value) if c not in cols})
    if missing:
        raise TableImportError(f"the mapping names column(s) {', '.join(map(repr, missing))} that the file does not have; "
                           f"its columns: {', '.join(columns)}")
    absent = [f for f in ("title", "url", "source_id") if f not in mapping]
    if "title" in absent or ("url" in absent and "source_id" in absent):
        raise TableImportError(f"map at least title and url (or source_id): missing {', '.join(absent)}; "
                           f"the file's columns: {', '.join(columns)}")


def _columns_of(value: str) -> list[str]:
    if "{" in value:
        return [c for c in _PLACEHOLDER.findall(value) if c]
    return value.split("|")


def _text(value: Any) -> str | None:
    """A cell as text (the record carries raw text only); empty cells are no value."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from Parquet
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    text = str(value).strip()
    return text or None


def apply(value: str, row: dict[str, Any]) -> str | None:
    if "{" in value:
        names = [c for c in _PLACEHOLDER.findall(value) if c]
        cells = {c: _text(row.get(c)) for c in names}
        if names and not any(cells.values()):
            return None
        return _PLACEHOLDER.sub(lambda m: cells.get(m.group(1)) or "" if m.group(1) else "", value).strip() or None
    for column in value.split("|"):
        if (text := _text(row.get(column))) is not None:
            return text
    return None


def to_record(row: dict[str, Any], mapping: dict[str, str], *, provider: str, file_url: str, n: int,
              fetched_at: str) -> dict[str, Any]:
    """One row as a raw feed record (a dict of :class:`Listing` fields)."""
    rec: dict[str, Any] = {}
    for name, value in {**DEFAULTS, **mapping}.items():
        kind = FIELD_TYPES[name]
        cell = row.get(value)
        if kind in ("VARCHAR[]", "JSON") and isinstance(cell, (list, dict)):  # JSON Lines / Parquet nested values
            rec[name] = [t for v in cell if (t := _text(v))] if kind == "VARCHAR[]" and isinstance(cell, list) else cell
            continue
        text = apply(value, row)
        if text is None:
            continue
        if kind == "VARCHAR[]":
            rec[name] = [text]
        elif kind == "JSON":
            try:
                rec[name] = json.loads(text)
            except ValueError:
                rec[name] = text  # left for the contract check to reject with a reason
        else:
            rec[name] = text
    if not rec.get("source_id"):
        # a stable id from what identifies the row: the same row gets the same uid on every import
        basis = rec.get("url") or rec.get("title") or ""
        rec["source_id"] = hashlib.sha1(basis.encode("utf-8", "surrogateescape")).hexdigest()[:16] if basis else ""
    entry = config.providers().get(provider, {})
    # as a spider does (spiders/base.py): the platform and the facts true of every listing of the provider
    for key, value in {"platform": entry.get("title"), **entry.get("record_defaults", {})}.items():
        if value and rec.get(key) in (None, "", []):
            rec[key] = value
    raw = {k: v for k, v in row.items() if not k.startswith("__")}
    listing = Listing(source=provider, source_id=rec.pop("source_id"), title=rec.pop("title", ""),
                      url=rec.pop("url", ""), credential_type=rec.pop("credential_type", ""),
                      fetched_at=fetched_at, source_url=f"{file_url}#row={n}", raw=json.loads(json.dumps(raw, default=str)))
    for name, value in rec.items():
        setattr(listing, name, value)
    return dataclasses.asdict(listing)


# -- a run -------------------------------------------------------------------------------------------------------
@dataclass
class TableImport:
    provider: str
    path: Path
    mapping: dict[str, str]
    columns: list[str] = field(default_factory=list)
    listings: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    rows: int = 0

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(q["reason"] for q in self.quarantined).most_common())


def convert(path: Path, provider: str, mapping: dict[str, str]) -> TableImport:
    """Read ``path`` and map every row; nothing is written."""
    path = Path(path)
    if not is_tabular(path):
        raise TableImportError(f"{path}: not a table file (expected {', '.join(SUFFIXES)})")
    columns, rows, problems = read_rows(path)
    check_mapping(mapping, columns)
    result = TableImport(provider, path, mapping, columns, rows=len(rows) + len(problems))
    file_url, now = path.resolve().as_uri(), datetime.now(UTC).isoformat(timespec="seconds")
    for p in problems:
        result.quarantined.append(dataclasses.asdict(Quarantined(
            source=provider, source_url=f"{file_url}#row={p['row']}", reason=p["reason"], message=p["message"],
            raw=p["raw"].encode("utf-8", "surrogateescape").decode("utf-8", "replace"), fetched_at=now)))
    seen: set[str] = set()
    for n, row in enumerate(rows, 1):
        n = row.get("__line__", n)
        rec = to_record(row, mapping, provider=provider, file_url=file_url, n=n, fetched_at=now)
        problems = validate(rec)
        if "__extra__" in row:
            problems.append(f"wrong_type: row {n} has more cells than the header has columns")
        if _undecodable(rec):
            problems.insert(0, f"invalid_encoding: row {n} holds bytes that are not UTF-8")
        if not problems and rec["uid"] in seen:
            problems.append(f"duplicate: {rec['uid']} already read from an earlier row")
        if problems:
            raw = json.dumps(rec["raw"], ensure_ascii=False, default=str)
            result.quarantined.append(dataclasses.asdict(Quarantined(
                source=provider, source_url=rec["source_url"], reason=problems[0].split(":", 1)[0],
                message="; ".join(problems), raw=raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
                source_id=_clean(rec.get("source_id")), fetched_at=now)))
            continue
        seen.add(rec["uid"])
        result.listings.append(rec)
    return result


def _undecodable(value: Any) -> bool:
    if isinstance(value, str):
        return any("\udc80" <= ch <= "\udcff" for ch in value)
    if isinstance(value, dict):
        return any(_undecodable(v) for v in value.values())
    if isinstance(value, list):
        return any(_undecodable(v) for v in value)
    return False


def _clean(value: Any) -> str | None:
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if isinstance(value, str) else None


def write_run(result: TableImport, data_dir: Path | None = None):
    """Land ``result`` as a run folder of its provider, in a crawl's on-disk format; returns the CrawlResult
    (``LATEST`` moves when at least one row was accepted, as for a crawl)."""
    from pipeline import crawl as crawler
    from pipeline import paths

    run_dir = paths.raw_dir(result.provider, data_dir) / (crawler.run_id_now())
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "listings.jsonl").open("w", encoding="utf-8") as fh:
        for rec in result.listings:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with (run_dir / "quarantine.jsonl").open("w", encoding="utf-8") as fh:
        for q in result.quarantined:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    by_type = Counter(r["credential_type"] for r in result.listings)
    stats = {"finish_reason": "finished", "finish_time": crawler.utc_now(), "credcat/complete": True,
             "credcat/import": {"file": str(result.path), "rows": result.rows, "map": result.mapping},
             "credcat/listings": len(result.listings), **{f"credcat/listings/{t}": n for t, n in by_type.items()},
             **{f"credcat/quarantined/{r}": n for r, n in result.reasons.items()}}
    (run_dir / "stats.json").write_text(json.dumps(stats, indent=2, ensure_ascii=False))
    (run_dir / "crawl.log").write_text(f"imported {result.path}: {result.rows} rows, {len(result.listings)} listings, "
                                       f"{len(result.quarantined)} quarantined {result.reasons}\n")
    crawl = crawler.CrawlResult(provider=result.provider, run_dir=run_dir, listings=len(result.listings),
                                quarantined=len(result.quarantined), finish_reason="finished", returncode=0, stats=stats)
    crawler.record_outcome(crawl, data_dir)
    return crawl


def save_mapping(provider: str, mapping: dict[str, str], path: Path | None = None) -> Path:
    """Write ``mapping`` under ``[providers.<provider>.import.map]`` of the provider configuration, keeping the
    rest of the file (comments included) as it is. A provider not configured yet is added as import-only."""
    import tomlkit

    path = Path(path or config.CONFIG_PATH)
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    providers = doc.setdefault("providers", tomlkit.table(is_super_table=True))
    if provider not in providers:
        entry = tomlkit.table()
        entry.add(tomlkit.comment("Import-only provider: its feed comes from `credcat import FILE --as NAME` (no spider)."))
        entry["title"] = provider
        providers[provider] = entry
    entry = providers[provider]
    imp = entry.setdefault("import", tomlkit.table())
    table = tomlkit.inline_table()
    table.update(mapping)
    imp["map"] = table
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
    tmp.replace(path)
    config.load.cache_clear()
    return path


def render(result: TableImport) -> str:
    lines = [f"{result.path}: {result.rows} row(s) -> {len(result.listings)} listing(s) for {result.provider}, "
             f"{len(result.quarantined)} quarantined" + (f" {result.reasons}" if result.quarantined else "")]
    for q in result.quarantined[:20]:
        lines.append(f"  - [{q['reason']}] {q['source_url'].rsplit('#', 1)[-1]}: {q['message']}")
    if len(result.quarantined) > 20:
        lines.append(f"  ... and {len(result.quarantined) - 20} more (see quarantine.jsonl in the run folder)")
    return "\n".join(lines)


def import_table(path: Path, provider: str, mapping: dict[str, str] | None = None, *, save: bool = True,
                 publish: bool = True) -> tuple[TableImport, Any, Any]:
    """``credcat import FILE --as PROVIDER``: map, land the feed, save the mapping, rebuild and publish.

    The mapping is the saved one overridden by ``mapping``. Returns the import, the run (CrawlResult) and the
    refresh report (None when nothing was accepted or ``publish`` is false)."""
    known = config.providers()
    merged = {**(saved_mapping(provider) if provider in known else {}), **(mapping or {})}
    if not merged:
        raise TableImportError(f"no mapping saved for {provider!r}: give --map FIELD=COLUMN (at least title and url)")
    result = convert(path, provider, merged)
    if save and (provider not in known or merged != saved_mapping(provider)):
        save_mapping(provider, merged)
    run = write_run(result)
    report = None
    if publish and result.listings:
        from pipeline.refresh import refresh

        report = refresh(crawl=False)
    return result, run, report
