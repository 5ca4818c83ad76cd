"""Dry run: what a provider crawl or a file would add to the catalogue and what would be quarantined, and
why, without publishing anything. Everything happens in a temporary folder."""

from __future__ import annotations

import json
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
        return all(c["passed"] for c in self.checks.values())

    def as_dict(self) -> dict:
        return {"subject": self.subject, "accepted": self.accepted, "by_type": self.by_type,
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
        return "\n".join(lines)


def _checks(con) -> dict[str, dict]:
    out = {}
    for name, fn in (("uid_unique", quality.uid_unique), ("required_fields_present", quality.required_fields_present)):
        o = fn(con, "listings")
        out[name] = {"passed": o.passed, "summary": o.summary}
    return out


def validate_feed(path: Path) -> ValidationReport:
    """Validate a JSON Lines (or JSON array) file of canonical records."""
    report = ValidationReport(subject=str(path))
    text = path.read_text(encoding="utf-8")
    records: list = []
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except ValueError as exc:
            report.quarantined.append({"reason": "invalid_json", "message": str(exc), "source_id": None})
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                report.quarantined.append({"reason": "invalid_json", "message": f"line {n}: {exc}", "source_id": None})
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
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"crawl of {provider} failed (exit {result.returncode}, {result.finish_reason}):\n{tail}")
        con = warehouse.fresh_build(data / "validate.duckdb")
        try:
            warehouse.build(con, ["listings", "quarantine"], inputs=warehouse.Build({provider: result.run_dir}))
            report.accepted = con.execute("select count(*) from listings").fetchone()[0]
            report.by_type = dict(con.execute("select credential_type, count(*) from listings group by 1 order by 2 desc").fetchall())
            report.quarantined = [dict(zip(("reason", "message", "source_id"), r)) for r in
                                  con.execute("select reason, message, source_id from quarantine").fetchall()]
            report.checks = _checks(con)
        finally:
            con.close()
    return report
