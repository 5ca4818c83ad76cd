"""Microsoft Learn, through the Learn Platform API v1 (default) or the older Catalog API (fallback).

Techniques, in the order of ``techniques`` in providers.toml (``-a techniques=catalog`` for one run):

- ``platform``: ``GET {base_url}/api/v1/<type>?api-version=...&locale=...&maxpagesize=...`` with an app-only
  Microsoft Entra ID bearer token (scope ``https://learn.microsoft.com/.default``; spiders/entra.py reads it
  from the environment, never from configuration). Each type is paged: a page's ``value`` list, and its
  ``nextLink`` followed (loop-guarded). Records carry ``id``, camelCase fields and taxonomy references as
  ``{id, name}`` objects (level names empty: the id is used); URLs carry no locale; summaries and
  certification subtitles are HTML (reduced to text here, the raw record kept in ``raw``);
  certifications carry no ``locale`` (they get the locale the API was asked for). Without credentials the
  spider falls back to the next technique (stat ``credcat/mslearn/fallback``); a mirror crawl (the offline
  snapshot) needs no token.
- ``catalog``: the unauthenticated Catalog API, deprecated from June 2026:
  ``GET {base_url}/api/catalog/?locale=en-us&type=<type>``, taxonomies first (to name product and subject
  ids), then one request per listing type.

Learning paths list their modules, certifications their exams and study guides, instructor-led courses their
certification and exam: the stacking data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import scrapy

from spiders import entra
from spiders.base import FAMILY_META, CatalogueSpider
from spiders.helpers import html_text, joined, with_unit

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
# Learn Platform API v1 paths of the listing types (the Catalog API's type names are the keys)
V1_PATHS = {"modules": "modules", "learningPaths": "learning-paths", "appliedSkills": "applied-skills",
            "certifications": "certifications", "exams": "exams", "courses": "courses"}
TECHNIQUES = ("platform", "catalog")
PAGE_META = "credcat_mslearn_page"
# What every listing of a type costs: Microsoft's own statement, not in the catalog records.
COST_TEXTS = {"modules": "Free", "learningPaths": "Free", "appliedSkills": "Free",
              "exams": "Paid exam (priced per country by the exam provider)"}


def ref_ids(value: Any) -> list[str]:
    """References come as bare uids or as ``{"uid"|"id": ...}`` objects (v1), alone or in a list."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        uid = (item.get("uid") or item.get("id")) if isinstance(item, dict) else item
        if isinstance(uid, str) and uid:
            out.append(uid)
    return out


class MicrosoftLearnSpider(CatalogueSpider):
    name = "mslearn"
    field_sources = {
        "source_id": "id (v1), uid (catalog)",
        "title": "title (exams: title, else displayName / display_name)",
        "url": "url, tracking parameters removed",
        "credential_type": "the catalog type: modules/courses -> course, learningPaths -> learning_program, "
        "appliedSkills -> applied_skill, certifications -> certification, exams -> assessment",
        "description": "summary (v1: HTML reduced to text), else subtitle",
        "organisation": "always Microsoft",
        "level_text": "levels[] (v1: name, else id: real v1 level names are empty), comma-separated",
        "language_text": "locale, else locales[0], else the locale the API was asked for (certifications have none)",
        "duration_text": "durationInMinutes / duration_in_minutes as '<n> minutes', or durationInHours / "
        "duration_in_hours as '<n> hours'",
        "code": "v1 examNumber / courseNumber (catalog: display_name, course_number)",
        "cost_text": "Free for modules, paths and applied skills; a paid exam for exams (priced per country)",
        "assessment_text": "by type: knowledge check quiz, scenario-based lab assessment, proctored exam",
        "pacing_text": "instructor-led for courses; scheduled exam appointment for exams; else self-paced",
        "skills": "skills[] + product and subject names",
        "has_part": "learningPaths.modules[]; certifications.exams[]",
        "prepares_for": "courses.certification and courses.exam",
        "prepared_by": "studyGuide[] / study_guide[]; exams.courses[]",
        "source_modified": "updatedAt (v1), last_modified (catalog)",
    }

    def __init__(self, *args: Any, types: str | None = None, locale: str | None = None,
                 techniques: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.locale = locale or self.provider.get("locale", "en-us")
        self.techniques = techniques.split(",") if techniques else list(self.provider.get("techniques", TECHNIQUES))
        bad = [t for t in self.techniques if t not in TECHNIQUES]
        if bad:
            raise ValueError(f"unknown Microsoft Learn techniques: {', '.join(bad)}; known: {', '.join(TECHNIQUES)}")
        self.token: str | None = None
        self.types = types.split(",") if types else list(self.provider.get("types", LISTING_TYPES))
        unknown = [t for t in self.types if t not in LISTING_TYPES]
        if unknown:
            raise ValueError(f"unknown Microsoft Learn catalog types: {', '.join(unknown)}")
        self.names: dict[str, dict[str, str]] = {t: {} for t in TAXONOMY_TYPES}

    def api_url(self, types: list[str] | tuple[str, ...]) -> str:
        return f"{self.base_url}/api/catalog/?" + urlencode({"locale": self.locale, "type": ",".join(types)})

    def start_urls_for(self):
        technique = self.choose_technique()
        self.crawler.stats.set_value("credcat/mslearn/technique", technique)
        if technique == "platform":
            yield from self.v1_first_pages()
            return
        yield scrapy.Request(
            self.api_url(TAXONOMY_TYPES), callback=self.parse_taxonomies, errback=self.taxonomies_failed
        )

    def choose_technique(self) -> str:
        """The first configured technique that can run: ``platform`` needs a token on the live site (a mirror
        crawl of the offline snapshot needs none); without one the next technique is used."""
        for i, technique in enumerate(self.techniques):
            if technique != "platform":
                return technique
            if self.is_mirror():
                return technique
            auth = self.provider.get("auth", {})
            got = entra.access_token(auth.get("scope", entra.SCOPE), authority=auth.get("authority", entra.AUTHORITY))
            if got is not None:
                self.token = got[0]
                self.logger.info("Learn Platform API: token from %s", got[1])
                return technique
            rest = self.techniques[i + 1:]
            if rest:
                self.logger.warning("no Microsoft Entra credentials in the environment (CREDCAT_MSLEARN_TOKEN, "
                                    "AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET or a managed identity): "
                                    "falling back to the %s technique", rest[0])
                self.crawler.stats.set_value("credcat/mslearn/fallback", rest[0])
        raise ValueError("the Learn Platform API needs Microsoft Entra credentials in the environment "
                         "(see spiders/entra.py) and no fallback technique is configured")

    def is_mirror(self) -> bool:
        live = str(self.provider.get("base_url", "")).rstrip("/")
        return bool(live) and self.base_url.rstrip("/") != live

    # -- Learn Platform API v1 -----------------------------------------------------------------------------
    def v1_url(self, kind: str) -> str:
        query = {"api-version": self.provider.get("api_version", "2023-11-01-preview"), "locale": self.locale,
                 "maxpagesize": str(self.provider.get("page_size", 20))}
        return f"{self.base_url}/api/v1/{V1_PATHS[kind]}?" + urlencode(query)

    def v1_request(self, url: str, kind: str, page: int) -> scrapy.Request:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return scrapy.Request(url, headers=headers, callback=self.parse_v1, cb_kwargs={"kind": kind, "page": page},
                              meta={FAMILY_META: kind, PAGE_META: page})

    def v1_first_pages(self):
        self.seen_pages: set[str] = set()
        for kind in self.types:
            if kind not in V1_PATHS:
                self.logger.warning("%s is not a Learn Platform API v1 type; skipped", kind)
                continue
            yield self.v1_request(self.v1_url(kind), kind, 1)

    def parse_v1(self, response, kind: str, page: int):
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        if not isinstance(data, dict) or not isinstance(data.get("value"), list):
            yield self.quarantine(response, "wrong_type", "Learn Platform API page has no value list", data)
            return
        yield from self.each_record(response, data["value"], lambda r: self.build_v1(response, kind, r),
                                    lambda r: r.get("id") if isinstance(r.get("id"), str) else None,
                                    f"an entry of {kind!r}")
        nxt = data.get("nextLink") or data.get("@odata.nextLink")
        if isinstance(nxt, str) and nxt.strip():
            url = self.rebase(nxt.strip())
            if url in self.seen_pages or url == response.url:
                self.crawler.stats.inc_value("credcat/pagination/loop_stopped")
                return
            self.seen_pages.add(url)
            yield self.v1_request(url, kind, page + 1)

    def build_v1(self, response, kind: str, raw: dict):
        """A v1 record in the Catalog API's field names, then the one builder: the mapping stays in one place."""
        def names(value):
            return [(v.get("name") or v.get("id")) if isinstance(v, dict) else v for v in value or []
                    if isinstance(v, (dict, str))]

        locales = [(x.get("id") or x.get("name")) if isinstance(x, dict) else x for x in raw.get("locales") or []]
        legacy = {
            "uid": raw.get("id"), "title": raw.get("title"), "url": raw.get("url"),
            "summary": html_text(raw.get("summary")), "subtitle": html_text(raw.get("subtitle")),
            "levels": names(raw.get("levels")), "locale": raw.get("locale"), "locales": locales,
            "skills": names(raw.get("skills")), "last_modified": raw.get("updatedAt"),
            "study_guide": ref_ids(raw.get("studyGuide")), "modules": ref_ids(raw.get("modules")),
            "exams": ref_ids(raw.get("exams")), "courses": ref_ids(raw.get("courses")),
            "certification": ref_ids(raw.get("certification")), "exam": ref_ids(raw.get("exam")),
            "duration_in_minutes": raw.get("durationInMinutes"), "duration_in_hours": raw.get("durationInHours"),
            "display_name": raw.get("displayName") or raw.get("examNumber"),
            "course_number": raw.get("courseNumber"),
        }
        product_names = names(raw.get("products")) + names(raw.get("subjects"))
        listing = self.build(response, kind, legacy, original=raw, named=product_names)
        listing.code = raw.get("examNumber") or raw.get("courseNumber") or None
        return listing

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

    def build(self, response, kind: str, raw: dict, original: dict | None = None, named: list[str] | None = None):
        """One listing from a Catalog API record (a v1 record arrives renamed to it, ``original`` kept in ``raw``)."""
        ctype = LISTING_TYPES[kind]
        common: dict[str, Any] = dict(
            source_id=raw.get("uid"),
            title=raw.get("title"),
            url=raw.get("url"),
            credential_type=ctype,
            description=html_text(raw.get("summary")) or html_text(raw.get("subtitle")),
            organisation="Microsoft",
            level_text=joined(lv for lv in raw.get("levels") or [] if isinstance(lv, str)),
            # certifications carry no locale: they are in the locale the API was asked for
            language_text=next((x for x in [raw.get("locale"), *(raw.get("locales") or [])] if isinstance(x, str) and x),
                               self.locale),
            cost_text=COST_TEXTS.get(kind),
            code=raw.get("display_name") or raw.get("course_number") or None,
            skills=[s for s in raw.get("skills") or [] if isinstance(s, str)]
            + (named if named is not None else self.named("products", raw.get("products"))
               + self.named("subjects", raw.get("subjects"))),
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
        return self.listing(response, original or raw, **common)
