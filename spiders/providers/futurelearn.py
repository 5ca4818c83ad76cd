"""FutureLearn: the courses feed (JSON), plus ExpertTrack and microcredential pages (sitemap + JSON-LD).

* ``{base_url}/feeds/courses`` returns one JSON array of courses: ``uuid``, ``url`` (with tracking
  parameters), ``name``, ``introduction``, ``description`` (HTML), ``language``, ``hours_per_week``,
  ``has_certificates``, ``categories``, ``educator``, ``organisation {name, url}`` and ``runs[]``
  (``uuid``, ``start_date``, ``duration_in_weeks``).
* ExpertTracks and microcredentials are programme pages listed in the sitemap; each embeds a schema.org
  ``EducationalOccupationalProgram`` whose ``hasCourse`` names its courses by URL.

Courses get the source id ``courses/<slug>`` from their URL, which is how ExpertTrack pages refer to them.
"""

from __future__ import annotations

import html
from typing import Any

from spiders import structured_data as sd
from spiders.web import JsonLdSpider


def latest_run(runs: Any) -> dict | None:
    dated = [r for r in runs or [] if isinstance(r, dict)]
    if not dated:
        return None
    return max(dated, key=lambda r: str(r.get("start_date") or ""))


class FutureLearnSpider(JsonLdSpider):
    name = "futurelearn"
    field_sources = {
        **JsonLdSpider.field_sources,
        "source_id": "courses/<slug> from the feed url; experttracks/<slug>, microcredentials/<slug> from pages",
        "title": "feed name (entities decoded); page JSON-LD name",
        "credential_type": "feed: course; /experttracks/ learning_program; /microcredentials/ micro_credential",
        "description": "feed introduction, verbatim; page JSON-LD description",
        "organisation": "feed organisation.name; page JSON-LD provider.name",
        "language": "feed language as BCP-47",
        "duration_hours": "feed hours_per_week x duration_in_weeks of the latest run",
        "cost_kind": "feed has_certificates: true -> audit (free to join, paid certificate), false -> free; "
        "pages: offers (subscription, programme fee)",
        "skills": "feed categories",
        "has_part": "ExpertTrack / microcredential hasCourse URLs as uids",
    }

    def start_urls_for(self):
        feed = self.provider.get("feed_url")
        request = self.page_request(self.absolute(feed), 1, callback=self.parse_feed) if feed else None
        if request is not None:
            yield request
        yield from super().start_urls_for()

    def parse_given(self, response):
        if response.body[:512].lstrip()[:1] == b"[":
            return self.parse_feed(response)
        return super().parse_given(response)

    def parse_feed(self, response, page: int = 1):
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        if not isinstance(data, list):
            yield self.quarantine(response, "wrong_type", "courses feed is not a JSON array", data)
            return
        if not data:
            self.crawler.stats.inc_value("credcat/pagination/empty_pages")
        for raw in data:
            if not isinstance(raw, dict):
                yield self.quarantine(response, "wrong_type", "a feed entry is not an object", raw)
                continue
            source_id = self.source_id_for(raw["url"]) if isinstance(raw.get("url"), str) else None
            item = self.safely(response, raw, lambda r: self.build_course(response, r), source_id)
            if self.first_time(item):
                yield item

    def build_course(self, response, raw: dict):
        url = raw.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ValueError("course has no url")
        url = url.strip()
        if url.startswith("//"):
            url = "https:" + url
        url = url.replace("http://", "https://", 1)
        run = latest_run(raw.get("runs"))
        weeks = run.get("duration_in_weeks") if run else None
        per_week = raw.get("hours_per_week")
        duration_text = None
        hours = None
        if isinstance(per_week, (int, float)) and not isinstance(per_week, bool):
            duration_text = f"{per_week:g} hours per week" + (f" for {weeks:g} weeks" if isinstance(weeks, (int, float)) else "")
            if isinstance(weeks, (int, float)):
                hours = float(per_week * weeks)
        organisation = raw.get("organisation")
        fields: dict[str, Any] = dict(
            source_id=self.source_id_for(url),
            title=html.unescape(raw["name"]).strip() if isinstance(raw.get("name"), str) else None,
            url=url,
            credential_type="course",
            description=(raw.get("introduction") or "").strip() or None,
            organisation=sd.text(organisation) if organisation else None,
            language=sd.bcp47(raw.get("language")),
            duration_text=duration_text,
            duration_hours=hours,
            skills=sd.texts(raw.get("categories")),
        )
        if raw.get("has_certificates") is True:
            fields.update(cost_kind="audit", cost_amount=0.0)  # free to join; certificate of achievement paid
        elif raw.get("has_certificates") is False:
            fields.update(cost_kind="free", cost_amount=0.0)
        return self.listing(response, raw, **fields)
