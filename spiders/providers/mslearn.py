"""Microsoft Learn, through its public Catalog API.

``GET {base_url}/api/catalog/?locale=en-us&type=<type>`` returns one JSON object keyed by type. We ask for
the taxonomies first (to turn product and subject ids into names), then one request per listing type, so a
malformed answer for one type never loses the others. Learning paths list their modules, certifications
their exams and study guides, instructor-led courses their certification and exam: the stacking data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import scrapy

from spiders.base import FAMILY_META, CatalogueSpider
from spiders.helpers import joined, with_unit

# Catalog API type -> (our credential type, builder method name)
LISTING_TYPES = {
    "modules": "course",
    "learningPaths": "learning_program",
    "appliedSkills": "applied_skill",
    "certifications": "certification",
    "mergedCertifications": "certification",
    "exams": "assessment",
    "courses": "course",
}
TAXONOMY_TYPES = ("levels", "roles", "products", "subjects")
# What every listing of a type costs: Microsoft's own statement, not in the catalog records.
COST_TEXTS = {"modules": "Free", "learningPaths": "Free", "appliedSkills": "Free",
              "exams": "Paid exam (priced per country by the exam provider)"}


def ref_ids(value: Any) -> list[str]:
    """Catalog references come as bare uids or as ``{"uid": ...}`` objects, alone or in a list."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        uid = item.get("uid") if isinstance(item, dict) else item
        if isinstance(uid, str) and uid:
            out.append(uid)
    return out


class MicrosoftLearnSpider(CatalogueSpider):
    name = "mslearn"
    field_sources = {
        "source_id": "uid",
        "title": "title (exams: title, else display_name)",
        "url": "url, tracking parameters removed",
        "credential_type": "the catalog type: modules/courses -> course, learningPaths -> learning_program, "
        "appliedSkills -> applied_skill, certifications -> certification, exams -> assessment",
        "description": "summary, else subtitle",
        "organisation": "always Microsoft",
        "level_text": "levels[], comma-separated",
        "language_text": "locale, else locales[0], as written (en-us)",
        "duration_text": "duration_in_minutes as '<n> minutes', or duration_in_hours as '<n> hours'",
        "cost_text": "Free for modules, paths and applied skills; a paid exam for exams (priced per country)",
        "assessment_text": "by type: knowledge check quiz, scenario-based lab assessment, proctored exam",
        "pacing_text": "instructor-led for courses; scheduled exam appointment for exams; else self-paced",
        "skills": "skills[] + product and subject names",
        "has_part": "learningPaths.modules[]; certifications.exams[]",
        "prepares_for": "courses.certification and courses.exam",
        "prepared_by": "study_guide[]; exams.courses[]",
        "source_modified": "last_modified",
    }

    def __init__(self, *args: Any, types: str | None = None, locale: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.locale = locale or self.provider.get("locale", "en-us")
        self.types = types.split(",") if types else list(self.provider.get("types", LISTING_TYPES))
        unknown = [t for t in self.types if t not in LISTING_TYPES]
        if unknown:
            raise ValueError(f"unknown Microsoft Learn catalog types: {', '.join(unknown)}")
        self.names: dict[str, dict[str, str]] = {t: {} for t in TAXONOMY_TYPES}

    def api_url(self, types: list[str] | tuple[str, ...]) -> str:
        return f"{self.base_url}/api/catalog/?" + urlencode({"locale": self.locale, "type": ",".join(types)})

    def start_urls_for(self):
        yield scrapy.Request(
            self.api_url(TAXONOMY_TYPES), callback=self.parse_taxonomies, errback=self.taxonomies_failed
        )

    # -- taxonomies ----------------------------------------------------------------------------------------
    def remember_taxonomies(self, data: dict) -> None:
        def walk(kind: str, entries: Any) -> None:
            for entry in entries or []:
                if isinstance(entry, dict) and entry.get("id"):
                    self.names[kind][entry["id"]] = entry.get("name") or entry["id"]
                    walk(kind, entry.get("children"))

        for kind in TAXONOMY_TYPES:
            walk(kind, data.get(kind))

    def parse_taxonomies(self, response):
        data, bad = self.load_json(response)
        if bad is None and isinstance(data, dict):
            self.remember_taxonomies(data)
        else:
            self.logger.warning("taxonomies unreadable at %s; product and subject ids kept as ids", response.url)
        yield from self.type_requests()

    def taxonomies_failed(self, failure):
        self.logger.warning("taxonomy request failed (%s); product and subject ids kept as ids", failure.value)
        yield from self.type_requests()

    def type_requests(self):
        for t in self.types:
            # one family per type: a type whose request finally fails leaves the crawl incomplete
            yield scrapy.Request(self.api_url([t]), callback=self.parse, cb_kwargs={"types": [t]},
                                 meta={FAMILY_META: t})

    # -- listings ------------------------------------------------------------------------------------------
    def parse(self, response, types: list[str] | None = None):
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        if not isinstance(data, dict):
            yield self.quarantine(response, "wrong_type", "catalog response is not a JSON object", data)
            return
        self.remember_taxonomies(data)
        for kind in types or [t for t in LISTING_TYPES if t in data]:
            entries = data.get(kind)
            if entries is None:
                self.logger.warning("catalog response from %s has no %r", response.url, kind)
                continue
            if not isinstance(entries, list):
                yield self.quarantine(response, "wrong_type", f"{kind!r} is not a list", entries)
                continue
            yield from self.each_record(response, entries, lambda r, k=kind: self.build(response, k, r),
                                        lambda r: r.get("uid") if isinstance(r.get("uid"), str) else None,
                                        f"an entry of {kind!r}")

    def named(self, kind: str, ids: Any) -> list[str]:
        return [self.names[kind].get(i, i.replace("-", " ")) for i in (ids or []) if isinstance(i, str)]

    def build(self, response, kind: str, raw: dict):
        ctype = LISTING_TYPES[kind]
        common: dict[str, Any] = dict(
            source_id=raw.get("uid"),
            title=raw.get("title"),
            url=raw.get("url"),
            credential_type=ctype,
            description=raw.get("summary") or raw.get("subtitle"),
            organisation="Microsoft",
            level_text=joined(lv for lv in raw.get("levels") or [] if isinstance(lv, str)),
            language_text=next((x for x in [raw.get("locale"), *(raw.get("locales") or [])] if isinstance(x, str) and x),
                               None),
            cost_text=COST_TEXTS.get(kind),
            skills=[s for s in raw.get("skills") or [] if isinstance(s, str)]
            + self.named("products", raw.get("products"))
            + self.named("subjects", raw.get("subjects")),
            source_modified=raw.get("last_modified"),
            prepared_by=[self.uid(u) for u in ref_ids(raw.get("study_guide"))],
        )
        minutes, hours = raw.get("duration_in_minutes"), raw.get("duration_in_hours")
        common["duration_text"] = with_unit(minutes, "minutes") if minutes is not None else with_unit(hours, "hours")
        if kind == "modules":
            common["assessment_text"] = "knowledge check quiz"
        elif kind == "appliedSkills":
            common["assessment_text"] = "scenario-based lab assessment"
        elif kind == "courses":
            common["pacing_text"] = "instructor-led"
        if kind == "learningPaths":
            common["has_part"] = [self.uid(u) for u in ref_ids(raw.get("modules"))]
        elif kind in ("certifications", "mergedCertifications"):
            common["has_part"] = [self.uid(u) for u in ref_ids(raw.get("exams"))]
        elif kind == "exams":
            common["title"] = raw.get("title") or raw.get("display_name")
            common["prepared_by"] += [self.uid(u) for u in ref_ids(raw.get("courses"))]
            common["assessment_text"] = "proctored exam"
            common["supervision_text"] = "proctored exam with ID verification"
            common["pacing_text"] = "scheduled exam appointment"
        elif kind == "courses":
            common["prepares_for"] = [self.uid(u) for u in ref_ids(raw.get("certification")) + ref_ids(raw.get("exam"))]
        return self.listing(response, raw, **common)
