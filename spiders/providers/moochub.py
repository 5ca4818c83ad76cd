"""MOOChub: one JSON:API spider for every platform that publishes a MOOChub course feed.

MOOChub is the course-metadata feed European MOOC platforms share (openHPI, openSAP, mooin, iMoox and
others): ``{"links": {"next": ...}, "data": [{"type": "courses", "id": ..., "attributes": {...}}]}``.
The platforms are listed under ``[providers.moochub.platforms.<key>]`` in ``providers.toml``: one provider,
one spider, one feed and one snapshot, with each record's ``platform`` naming where it is offered and its
``source_id`` prefixed by the platform key (``openhpi:...``) so ids from two platforms never collide.
Adding a platform is a configuration change.

The paging is :class:`~spiders.web.PagedApiSpider`'s: one walk per platform following ``links.next``, with its
loop guard, each page of the family ``api:<platform key>``. On a mirror crawl (``-a base_url=M``) a
platform's feed is read from ``M/<platform key>/...``. A platform that answers with no courses is logged and
counted in the stats (``credcat/moochub/empty_platforms``).
"""

from __future__ import annotations

from typing import Any

from spiders.base import FAMILY_META
from spiders.helpers import as_list, clean, is_number, joined, with_unit
from spiders.web import PagedApiSpider

PLATFORM_META = "credcat_platform"
COURSE_TYPES = ("courses", "course", "Course")


def names(value: Any) -> list[str]:
    return [clean(i.get("name")) for i in as_list(value) if isinstance(i, dict) and clean(i.get("name"))]


def workload_text(work: Any) -> str | None:
    """MOOChub ``workload`` as stated: ``{"timeValue": 4, "timeUnit": "h/week"}`` -> ``"4 h/week"``; older feeds'
    bare number without a unit stays a bare number (the normaliser does not guess its unit)."""
    if isinstance(work, dict):
        value = work.get("timeValue")
        return with_unit(value, str(work.get("timeUnit") or "").strip()) if is_number(value) else None
    return with_unit(work, None) if is_number(work) else None


class MoochubSpider(PagedApiSpider):
    name = "moochub"
    walk_meta = (FAMILY_META, PLATFORM_META)
    field_sources = {
        "source_id": "<platform key>:<data[].id>",
        "title": "attributes.name, HTML entities decoded",
        "url": "attributes.url",
        "credential_type": "always course",
        "description": "attributes.description, else abstract; HTML entities decoded",
        "organisation": "attributes.partnerInstitute[].name, else publisher, else moocProvider",
        "platform": "the platform's title in providers.toml",
        "level_text": "attributes.educationalLevel, else level",
        "language_text": "attributes.languages (else inLanguage), comma-separated",
        "duration_text": "attributes.workload: timeValue and timeUnit ('4 h/week'), or a bare number as given",
        "length_text": "attributes.duration (ISO 8601, e.g. P6W)",
        "cost_text": "attributes.access[], comma-separated (free, paid)",
        "skills": "attributes.keywords",
        "source_modified": "attributes.updatedAt, else dateModified",
    }

    def __init__(self, *args: Any, platforms: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        configured = self.provider.get("platforms") or {}
        wanted = [p.strip() for p in platforms.split(",")] if platforms else list(configured)
        unknown = [p for p in wanted if p not in configured]
        if unknown:
            raise ValueError(f"unknown MOOChub platforms: {', '.join(unknown)}; configured: {', '.join(configured)}")
        self.platforms = {key: configured[key] for key in wanted}

    def mirror_prefixes(self) -> list[tuple[str, str]]:
        return [(p["base_url"].rstrip("/"), f"{self.base_url}/{key}")
                for key, p in (self.provider.get("platforms") or {}).items()]

    # -- pages ---------------------------------------------------------------------------------------------
    def first_pages(self):
        for key, platform in self.platforms.items():
            self.crawler.stats.set_value(f"credcat/moochub/courses/{key}", 0)
            feed = platform["base_url"].rstrip("/") + "/" + platform["feed"].lstrip("/")
            yield feed, {FAMILY_META: f"api:{key}", PLATFORM_META: key}

    def platform_of(self, response) -> str:
        """The platform of a page: named by its walk; for a feed given with ``-a urls=``, the one platform
        named with ``-a platforms=KEY``, else the configured one whose host it is on, else ``moochub``."""
        key = response.meta.get(PLATFORM_META)
        if key:
            return key
        if len(self.platforms) == 1:
            return next(iter(self.platforms))
        return next((k for k, p in (self.provider.get("platforms") or {}).items()
                     if response.url.startswith(p["base_url"].rstrip("/"))), "moochub")

    def records(self, response, data: Any):
        if not isinstance(data, dict) or not isinstance(data.get("data", []), list):
            raise TypeError("MOOChub page is not a JSON:API document with a data list")
        for entry in data.get("data") or []:
            kind = entry.get("type") if isinstance(entry, dict) else None
            if isinstance(entry, dict) and kind not in COURSE_TYPES:
                self.crawler.stats.inc_value(f"credcat/moochub/skipped_type/{kind}")
                continue
            yield entry

    def source_id_of(self, response, raw: Any) -> str | None:
        return f"{self.platform_of(response)}:{raw['id']}" if raw.get("id") not in (None, "") else None

    def closed(self, reason: str) -> None:
        """Platforms that gave no course, counted when the crawl closes (before the stats file is written)."""
        stats = self.crawler.stats
        for key in self.platforms:
            if not stats.get_value(f"credcat/moochub/courses/{key}"):
                self.logger.warning("MOOChub platform %s returned no courses", key)
                stats.inc_value("credcat/moochub/empty_platforms")
                stats.inc_value(f"credcat/moochub/empty/{key}")

    # -- records -------------------------------------------------------------------------------------------
    def build(self, response, entry: dict, data: Any):
        attrs = entry.get("attributes") or {}
        if not isinstance(attrs, dict):
            raise TypeError("attributes is not an object")
        platform = self.platform_of(response)
        self.crawler.stats.inc_value(f"credcat/moochub/courses/{platform}")
        keywords = attrs.get("keywords") or []
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        level = attrs.get("educationalLevel") or attrs.get("level")
        organisations = names(attrs.get("partnerInstitute")) or names(attrs.get("publisher")) \
            or names(attrs.get("moocProvider"))
        return self.listing(
            response,
            entry,
            source_id=self.source_id_of(response, entry),
            title=clean(attrs.get("name")),
            url=attrs.get("url"),
            credential_type="course",
            description=clean(attrs.get("description")) or clean(attrs.get("abstract")),
            organisation=organisations[0] if organisations else None,
            platform=(self.platforms.get(platform) or {}).get("title") or platform,
            level_text=level if isinstance(level, str) else None,
            language_text=joined(x for x in as_list(attrs.get("languages") or attrs.get("inLanguage")) if isinstance(x, str)),
            duration_text=workload_text(attrs.get("workload")),
            length_text=attrs.get("duration") if isinstance(attrs.get("duration"), str) else None,
            cost_text=joined(a for a in as_list(attrs.get("access")) if isinstance(a, str)),
            skills=[clean(k) for k in keywords if clean(k)],
            source_modified=attrs.get("updatedAt") or attrs.get("dateModified"),
        )
