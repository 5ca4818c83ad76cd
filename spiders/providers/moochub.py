"""MOOChub: one JSON:API spider for every platform that publishes a MOOChub course feed.

MOOChub is the course-metadata feed European MOOC platforms share (openHPI, openSAP, mooin, iMoox and
others): ``{"links": {"next": ...}, "data": [{"type": "courses", "id": ..., "attributes": {...}}]}``.
The platforms are listed under ``[providers.moochub.platforms.<key>]`` in ``providers.toml``: one provider,
one spider, one feed and one snapshot, with each record's ``platform`` naming where it is offered and its
``source_id`` prefixed by the platform key (``openhpi:...``) so ids from two platforms never collide.
Adding a platform is a configuration change. A platform that answers with no courses is logged and counted in
the stats (``credcat/moochub/empty_platforms``); a ``links.next`` that loops back is detected and stops.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin

import scrapy

from spiders import limits
from spiders.base import CatalogueSpider

ISO_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
LEVELS = {"beginner": "beginner", "introductory": "beginner", "intermediate": "intermediate",
          "advanced": "advanced", "expert": "advanced"}
MAX_PAGES = 500


def weeks_of(duration: Any) -> float | None:
    """Calendar length of an ISO 8601 duration in weeks (``P6W`` -> 6, ``P1M`` -> ~4.35)."""
    if not isinstance(duration, str):
        return None
    m = ISO_DURATION.match(duration.strip())
    if not m or not any(m.groupdict().values()):
        return None
    g = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    days = g["years"] * 365 + g["months"] * 30.44 + g["weeks"] * 7 + g["days"] + g["hours"] / 24
    return days / 7


def clean(text: Any) -> str | None:
    """Text with HTML entities decoded (``&amp;`` -> ``&``) and outer whitespace trimmed; words untouched."""
    if not isinstance(text, str):
        return None
    text = html.unescape(html.unescape(text)).strip()
    return text or None


def workload(attrs: dict) -> tuple[float | None, str | None]:
    """Hours of notional workload, with the source's own wording kept."""
    work, duration = attrs.get("workload"), attrs.get("duration")
    if isinstance(work, dict):
        value, unit = work.get("timeValue"), str(work.get("timeUnit") or "").strip()
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None, None
        text = f"{value:g} {unit}".strip() + (f" over {duration}" if duration else "")
        per_week = unit.lower() in ("h/week", "hours/week", "h/w", "hours per week")
        if per_week:
            weeks = weeks_of(duration)
            return (round(value * weeks, 2) if weeks else None), text
        if unit.lower() in ("h", "hours", "hour"):
            return float(value), text
        if unit.lower() in ("min", "minutes"):
            return round(value / 60, 2), text
        return None, text
    if isinstance(work, (int, float)) and not isinstance(work, bool):
        # Older feeds give a bare number without a unit: keep it as text, do not guess hours.
        return None, f"workload {work:g}" + (f", duration {duration}" if duration else "")
    if isinstance(duration, str):
        return None, duration
    return None, None


def names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [clean(i.get("name")) for i in items if isinstance(i, dict) and clean(i.get("name"))]


class MoochubSpider(CatalogueSpider):
    name = "moochub"

    def __init__(self, *args: Any, platforms: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        configured = self.provider.get("platforms") or {}
        wanted = [p.strip() for p in platforms.split(",")] if platforms else list(configured)
        unknown = [p for p in wanted if p not in configured]
        if unknown:
            raise ValueError(f"unknown MOOChub platforms: {', '.join(unknown)}; configured: {', '.join(configured)}")
        self.platforms = {key: configured[key] for key in wanted}
        self.mirroring = self.base_url != (self.provider.get("base_url") or "").rstrip("/")
        self.seen_pages: dict[str, set[str]] = {}
        self.counts: dict[str, int] = {}

    # -- where each platform's feed is ---------------------------------------------------------------------
    def platform_url(self, key: str, url: str) -> str:
        """A platform URL as fetched: itself live, or under ``{base_url}/{platform key}`` on a mirror."""
        live = self.platforms[key]["base_url"].rstrip("/")
        if self.mirroring and url.startswith(live):
            return f"{self.base_url}/{key}{url[len(live):]}"
        return url

    def start_urls_for(self):
        for key, platform in self.platforms.items():
            feed = platform["base_url"].rstrip("/") + "/" + platform["feed"].lstrip("/")
            self.seen_pages[key] = set()
            self.counts[key] = 0
            yield scrapy.Request(self.platform_url(key, feed), callback=self.parse, cb_kwargs={"platform": key},
                                 errback=self.feed_failed, meta={"platform": key, "live_url": feed})

    def parse_given(self, response):
        # A feed given with -a urls=: its platform is the one named with -a platforms=KEY, else the configured
        # one whose host it is on, else "moochub".
        key = next(iter(self.platforms)) if len(self.platforms) == 1 else None
        key = key or next((k for k, p in self.provider.get("platforms", {}).items()
                           if response.url.startswith(p["base_url"].rstrip("/"))), None)
        return self.parse(response, platform=key or "moochub")

    def feed_failed(self, failure):
        key = failure.request.meta.get("platform")
        self.logger.error("MOOChub feed of %s failed: %s", key, failure.value)
        self.crawler.stats.inc_value("credcat/moochub/failed_platforms")

    # -- pages ---------------------------------------------------------------------------------------------
    def parse(self, response, platform: str):
        pages = self.seen_pages.setdefault(platform, set())
        self.counts.setdefault(platform, 0)
        pages.add(response.url)
        try:
            data = limits.load_json(response.body, **limits.API)  # strict UTF-8, bounded depth and size
        except limits.Refused as exc:
            yield self.quarantine(response, exc.reason, f"MOOChub page refused: {exc}", limits.excerpt(response.body))
            self.platform_done(platform)
            return
        if not isinstance(data, dict) or not isinstance(data.get("data", []), list):
            yield self.quarantine(response, "wrong_type", "MOOChub page is not a JSON:API document with a data list", data)
            self.platform_done(platform)
            return
        for entry in data.get("data") or []:
            if not isinstance(entry, dict):
                yield self.quarantine(response, "wrong_type", "a data entry is not an object", entry)
                continue
            kind = entry.get("type")
            if kind not in ("courses", "course", "Course"):
                self.crawler.stats.inc_value(f"credcat/moochub/skipped_type/{kind}")
                continue
            source_id = f"{platform}:{entry['id']}" if entry.get("id") not in (None, "") else None
            self.counts[platform] += 1
            yield self.safely(response, entry, lambda e: self.build(response, platform, e), source_id)

        nxt = (data.get("links") or {}).get("next") if isinstance(data.get("links"), dict) else None
        if isinstance(nxt, dict):  # JSON:API allows a link object
            nxt = nxt.get("href")
        if not nxt:
            self.platform_done(platform)
            return
        live_next = urljoin(response.meta.get("live_url") or response.url, nxt)
        fetch = self.platform_url(platform, live_next) if platform in self.platforms else live_next
        if fetch in pages or len(pages) >= MAX_PAGES:
            self.logger.warning("MOOChub pagination of %s loops back to %s: stopped", platform, live_next)
            self.crawler.stats.inc_value("credcat/moochub/pagination_loops")
            self.platform_done(platform)
            return
        yield scrapy.Request(fetch, callback=self.parse, cb_kwargs={"platform": platform},
                             errback=self.feed_failed, meta={"platform": platform, "live_url": live_next})

    def platform_done(self, platform: str) -> None:
        count = self.counts.get(platform, 0)
        self.crawler.stats.set_value(f"credcat/moochub/courses/{platform}", count)
        if count == 0:
            self.logger.warning("MOOChub platform %s returned no courses", platform)
            self.crawler.stats.inc_value("credcat/moochub/empty_platforms")
            self.crawler.stats.inc_value(f"credcat/moochub/empty/{platform}")

    # -- records -------------------------------------------------------------------------------------------
    def build(self, response, platform: str, entry: dict):
        attrs = entry.get("attributes") or {}
        if not isinstance(attrs, dict):
            raise TypeError("attributes is not an object")
        platform_title = (self.platforms.get(platform) or {}).get("title") or platform
        languages = attrs.get("languages") or attrs.get("inLanguage") or []
        if isinstance(languages, str):
            languages = [languages]
        hours, duration_text = workload(attrs)
        access = [a.lower() for a in attrs.get("access") or [] if isinstance(a, str)]
        cost = {}
        if "free" in access:
            cost = dict(cost_amount=0.0, cost_kind="free")
        elif access:
            cost = dict(cost_kind="unknown")
        keywords = attrs.get("keywords") or []
        if isinstance(keywords, str):
            keywords = [k.strip() for k in keywords.split(",")]
        level = attrs.get("educationalLevel") or attrs.get("level")
        organisations = names(attrs.get("partnerInstitute")) or names(attrs.get("publisher")) \
            or names(attrs.get("moocProvider"))
        return self.listing(
            response,
            entry,
            source_id=f"{platform}:{entry.get('id')}" if entry.get("id") not in (None, "") else None,
            title=clean(attrs.get("name")),
            url=attrs.get("url"),
            credential_type="course",
            description=clean(attrs.get("description")) or clean(attrs.get("abstract")),
            organisation=organisations[0] if organisations else None,
            platform=platform_title,
            level=LEVELS.get(str(level).lower()) if isinstance(level, str) else None,
            language=languages[0] if languages and isinstance(languages[0], str) else None,
            duration_hours=hours,
            duration_text=duration_text,
            skills=[clean(k) for k in keywords if clean(k)],
            source_modified=attrs.get("updatedAt") or attrs.get("dateModified"),
            **cost,
        )
