"""Dry run: what a provider crawl or a file would add to the catalogue and what would be quarantined, and
why, without publishing anything. Everything happens in a temporary folder."""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import crawl as crawler
from pipeline import quality, warehouse
from spiders.record import validate as validate_record


@dataclass
class ValidationReport:
    subject: str
    accepted: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    quarantined: list[dict] = field(default_factory=list)
    checks: dict[str, dict] = field(default_factory=dict)

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(q["reason"] for q in self.quarantined).most_common())

    @property
    def ok(self) -> bool:
        """Something would be accepted and every check passed (a feed of nothing but rejects is a failure)."""
        return self.accepted > 0 and all(c["passed"] for c in self.checks.values())

    def as_dict(self) -> dict:
        return {"subject": self.subject, "ok": self.ok, "accepted": self.accepted, "by_type": self.by_type,
                "quarantined": len(self.quarantined), "reasons": self.reasons, "checks": self.checks,
                "quarantine": self.quarantined}

    def render(self) -> str:
        lines = [f"dry run of {self.subject}: nothing published",
                 f"would accept {self.accepted} listing(s)" + (f": {self.by_type}" if self.by_type else ""),
                 f"would quarantine {len(self.quarantined)} record(s)" + (f": {self.reasons}" if self.quarantined else "")]
        for q in self.quarantined[:50]:
            lines.append(f"  - [{q['reason']}] {q.get('source_id') or '?'}: {q['message']}")
        if len(self.quarantined) > 50:
            lines.append(f"  ... and {len(self.quarantined) - 50} more (use --json for all)")
        for name, c in self.checks.items():
            lines.append(f"check {name}: {'passed' if c['passed'] else 'FAILED'} ({c['summary']})")
        if not self.accepted:
            lines.append("FAILED: nothing would be accepted")
        return "\n".join(lines)


def _checks(con) -> dict[str, dict]:
    out = {}
    for name, fn in (("uid_unique", quality.uid_unique), ("required_fields_present", quality.required_fields_present)):
        o = fn(con, "listings")
        out[name] = {"passed": o.passed, "summary": o.summary}
    return out


_RECORD_START = re.compile(r"^[{\[]", re.M)


def read_records(path: Path) -> tuple[list, list[dict]]:
    """The JSON values in ``path`` (JSON Lines, a JSON array, or pretty-printed objects one after another) and a
    quarantine entry for each part that is not UTF-8 or not JSON. Records are counted, not lines."""
    problems: list[dict] = []
    lines = []
    for n, raw in enumerate(path.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append({"reason": "invalid_encoding", "source_id": None,
                             "message": f"line {n}: not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"})
            lines.append("")
    text = "\n".join(lines)
    decoder = json.JSONDecoder()
    values: list = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep for the parser
            line = text.count("\n", 0, pos) + 1
            problems.append({"reason": "invalid_json", "source_id": None, "message": f"line {line}: {exc}"})
            # resume at the next line that starts a record, so one broken record is counted once
            nxt = _RECORD_START.search(text, pos + 1)
            pos = len(text) if nxt is None else nxt.start()
            continue
        values.extend(value if isinstance(value, list) else [value])
    return values, problems


def validate_feed(path: Path) -> ValidationReport:
    """Validate a file of canonical records (JSON Lines, a JSON array, or concatenated JSON objects)."""
    report = ValidationReport(subject=str(path))
    records, report.quarantined = read_records(path)
    seen: Counter = Counter()
    for rec in records:
        if not isinstance(rec, dict):
            report.quarantined.append({"reason": "wrong_type", "message": "record is not an object", "source_id": None})
            continue
        rec.setdefault("uid", f"{rec.get('source')}:{rec.get('source_id')}")
        problems = validate_record(rec)
        if problems:
            report.quarantined.append({"reason": problems[0].split(":", 1)[0], "message": "; ".join(problems),
                                       "source_id": rec.get("source_id")})
            continue
        report.accepted += 1
        seen[rec["uid"]] += 1
        report.by_type[rec["credential_type"]] = report.by_type.get(rec["credential_type"], 0) + 1
    dupes = [u for u, n in seen.items() if n > 1]
    report.checks["uid_unique"] = {"passed": not dupes, "summary": f"{len(dupes)} duplicated uid(s)" if dupes else "every uid is unique"}
    return report


def dry_run_provider(provider: str, *, offline: bool = False, file: Path | None = None) -> ValidationReport:
    """Crawl ``provider`` (or import ``file`` through its spider) into a temporary folder and build there."""
    subject = f"{provider}" + (f" reading {file}" if file else (" (offline snapshot)" if offline else ""))
    with tempfile.TemporaryDirectory(prefix="credcat-validate-") as tmp:
        data = Path(tmp)
        args = {"urls": Path(file).resolve().as_uri()} if file else None
        result = crawler.crawl(provider, offline=offline and not file, data_dir=data, spider_args=args)
        report = ValidationReport(subject=subject)
        if not result.ok:
            log = result.run_dir / "crawl.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"crawl of {provider} failed (exit {result.returncode}, {result.finish_reason}):\n{tail}")
        _judge(report, data, provider, result.run_dir)
    return report


def _judge(report: ValidationReport, data: Path, provider: str, run_dir: Path) -> None:
    """Build ``listings`` and ``quarantine`` from one feed in a throwaway catalogue under ``data`` and fill the
    report with what would be accepted, quarantined and checked."""
    con = warehouse.fresh_build(data / "validate.duckdb")
    try:
        warehouse.build(con, ["listings", "quarantine"], inputs=warehouse.Build({provider: run_dir}))
        report.accepted = con.execute("select count(*) from listings").fetchone()[0]
        report.by_type = dict(con.execute("select credential_type, count(*) from listings group by 1 order by 2 desc").fetchall())
        report.quarantined = [dict(zip(("reason", "message", "source_id"), r)) for r in
                              con.execute("select reason, message, source_id from quarantine").fetchall()]
        report.checks = _checks(con)
    finally:
        con.close()


def validate_table(path: Path, provider: str | None = None, mapping: dict[str, str] | None = None) -> ValidationReport:
    """Dry run of ``credcat import`` for a CSV / JSON Lines / Parquet file: map its rows (the provider's saved
    mapping, overridden by ``mapping``; without a provider, columns named like record fields), land the feed in
    a temporary folder and build ``listings`` and ``quarantine`` there. Rows are counted, not lines."""
    from pipeline import tabular
    from spiders import config

    source = provider or "import"
    if provider is not None:
        config.provider(provider)  # unknown names fail with the list of known ones
        merged = {**tabular.saved_mapping(provider), **(mapping or {})}
    else:
        columns = tabular.read_rows(Path(path))[0]
        merged = {c: c for c in columns if c in tabular.FIELD_TYPES} | (mapping or {})
    if not merged:
        raise tabular.TableImportError(f"no mapping for {path}: give --provider NAME with a saved mapping, or --map FIELD=COLUMN")
    result = tabular.convert(Path(path), source, merged)
    report = ValidationReport(subject=f"{path} as {source}")
    with tempfile.TemporaryDirectory(prefix="credcat-validate-") as tmp:
        data = Path(tmp)
        run = tabular.write_run(result, data)
        _judge(report, data, source, run.run_dir)
    return report

