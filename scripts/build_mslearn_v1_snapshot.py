"""Rebuild the Microsoft Learn offline snapshot in the Learn Platform API v1 shape from the catalog snapshot.

    .venv/bin/python scripts/build_mslearn_v1_snapshot.py

Reads `spiders/snapshots/mslearn/api/catalog/index.json` (the old Catalog API shape, the same listings) and
writes `spiders/snapshots/mslearn/api/v1/<type>` pages of PAGE_SIZE records, `nextLink` joining them (the
loopback server answers `<file>?<query>` files, see pipeline/snapshot_server.py). The v1 shape follows
spiders/snapshots/mslearn/README.md: `id`, camelCase fields, taxonomy references as `{id, name}` objects,
`summary` as HTML with build attributes, certifications without `locale`; and, as Microsoft's FAQ documents
and the real v1 records a public client saved show (spiders/snapshots/mslearn/README.md): URLs without the
locale segment or tracking parameter, certifications of `type` `certification` with `certificationType` as an
`{id, name}` object and their `subtitle` as HTML, level references with an empty `name`, and exams whose code is
`examNumber` (`displayName` null).
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "spiders" / "snapshots" / "mslearn"
API_VERSION = "2023-11-01-preview"
PAGE_SIZE = 20
PATHS = {"modules": "modules", "learningPaths": "learning-paths", "appliedSkills": "applied-skills",
         "certifications": "certifications", "exams": "exams", "courses": "courses"}
RENAME = {"uid": "id", "duration_in_minutes": "durationInMinutes", "duration_in_hours": "durationInHours",
          "last_modified": "updatedAt", "icon_url": "iconUrl", "social_image_url": "socialImageUrl",
          "course_number": "courseNumber", "display_name": "displayName", "study_guide": "studyGuide",
          "certification_type": "certificationType", "pdf_download_url": "pdfUrl",
          "practice_assessment_url": "practiceAssessmentUrl", "practice_test_url": "practiceTestUrl",
          "number_of_children": "numberOfChildren", "renewal_frequency_in_days": "renewalFrequencyInDays"}


def names(catalog: dict) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    def walk(kind, entries):
        for e in entries or []:
            out.setdefault(kind, {})[e["id"]] = e.get("name") or e["id"]
            walk(kind, e.get("children"))
    for kind in ("levels", "roles", "products", "subjects"):
        walk(kind, catalog.get(kind))
    return out


def html_summary(text: str, uid: str) -> str:
    """A summary as Learn publishes it in v1: HTML with build attributes around the text."""
    return f'<p data-ms-build="learn-{zlib.crc32(uid.encode()) % 10**6:06d}" class="has-inner-focus">{text}</p>'


def v1_url(url: str) -> str:
    """A Learn URL as v1 returns it: no locale segment (the reader's browser picks it), no tracking parameter."""
    url = re.sub(r"^(https://learn\.microsoft\.com)/[a-z]{2}-[a-z]{2}/", r"\1/", url)
    return re.sub(r"[?&]WT\.mc_id=[^&]*$", "", url)


def v1_record(kind: str, raw: dict, taxonomy: dict) -> dict:
    rec = {}
    for key, value in raw.items():
        if key == "levels":  # real v1 level references carry an empty name
            value = [{"id": v, "name": ""} for v in value or []]
        elif key in ("roles", "products", "subjects"):
            value = [{"id": v, "name": taxonomy.get(key, {}).get(v, v)} for v in value or []]
        elif key in ("modules", "exams", "units", "studyGuide", "study_guide", "courses"):
            value = [{"id": v if isinstance(v, str) else v.get("uid")} for v in value or []]
        elif key in ("certification", "exam") and isinstance(value, str):
            value = {"id": value}
        elif key == "locales" and isinstance(value, list):
            value = [{"id": v, "name": v} for v in value]
        elif key == "summary" and isinstance(value, str):
            value = html_summary(value, raw["uid"])
        elif isinstance(value, str) and value.startswith("https://learn.microsoft.com/"):
            value = v1_url(value)
        rec[RENAME.get(key, key)] = value
    if kind == "exams" and "displayName" in rec:
        rec["examNumber"], rec["displayName"] = rec["displayName"], None
    if kind == "certifications":
        rec.pop("locale", None)  # real v1 certifications carry no locale
        rec["type"] = "certification"
        if isinstance(rec.get("certificationType"), str):
            rec["certificationType"] = {"id": rec["certificationType"], "name": rec["certificationType"]}
        if isinstance(rec.get("subtitle"), str) and not rec["subtitle"].startswith("<"):
            rec["subtitle"] = f"<p>{rec['subtitle']}</p>\n"
    return rec


def main() -> None:
    catalog = json.loads((ROOT / "api" / "catalog" / "index.json").read_text())
    taxonomy = names(catalog)
    base = "https://learn.microsoft.com/api/v1"
    for kind, path in PATHS.items():
        records = [v1_record(kind, r, taxonomy) for r in catalog[kind]]
        pages = [records[i:i + PAGE_SIZE] for i in range(0, len(records), PAGE_SIZE)] or [[]]
        target = ROOT / "api" / "v1" / path
        target.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(pages):
            query = f"api-version={API_VERSION}&locale=en-us&maxpagesize={PAGE_SIZE}"
            body = {"value": page}
            if n + 1 < len(pages):
                body["nextLink"] = f"{base}/{path}?{query}&$skip={(n + 1) * PAGE_SIZE}"
            name = "index.json" if n == 0 else f"index.json?{query}&$skip={n * PAGE_SIZE}"
            (target / name).write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
