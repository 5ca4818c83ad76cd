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

from typing import Any

from spiders import structured_data as sd
from spiders.base import FAMILY_META
from spiders.helpers import AUDIT_TEXT, clean, is_number, with_unit
from spiders.web import JsonLdSpider, PagedApiSpider


def latest_run(runs: Any) -> dict | None:
    dated = [r for r in runs or [] if isinstance(r, dict)]
    if not dated:
        return None
    return max(dated, key=lambda r: str(r.get("start_date") or ""))


class FutureLearnSpider(JsonLdSpider, PagedApiSpider):
    name = "futurelearn"
    field_sources = {
        **JsonLdSpider.field_sources,
        "source_id": "courses/<slug> from the feed url; experttracks/<slug>, microcredentials/<slug> from pages",
        "title": "feed name (entities decoded); page JSON-LD name",
        "credential_type": "feed: course; /experttracks/ learning_program; /microcredentials/ micro_credential",
        "description": "feed introduction, verbatim; page JSON-LD description",
        "organisation": "feed organisation.name; page JSON-LD provider.name",
        "language_text": "feed language, as written",
        "duration_text": "feed hours_per_week as '<n> hours per week'",
        "length_text": "feed duration_in_weeks of the latest run as '<n> weeks'",
        "cost_text": "feed has_certificates: true -> 'Free to audit; paid certificate', false -> 'Free'; "
        "pages: offers, every offer",
        "skills": "feed categories",
        "runs": "feed runs[]: uuid, start_date, duration_in_weeks as '<n> weeks' (each a scheduled run)",
        "has_part": "ExpertTrack / microcredential hasCourse URLs as uids",
    }

    # -- the courses feed: one page of PagedApiSpider's walk (family "feed") -------------------------------
    def first_pages(self):
        if self.provider.get("feed_url"):
            yield self.absolute(self.provider["feed_url"]), {FAMILY_META: "feed"}

    def start_urls_for(self):
        yield from PagedApiSpider.start_urls_for(self)
        yield from JsonLdSpider.start_urls_for(self)

    def parse_given(self, response):
        if response.body[:512].lstrip()[:1] == b"[":
            return self.parse_api_page(response, page=1, follow=False)
        return JsonLdSpider.parse_given(self, response)

    def records(self, response, data: Any):
        if not isinstance(data, list):
            raise TypeError("the courses feed is not a JSON array")
        return data

    def source_id_of(self, response, raw: Any) -> str | None:
        return self.source_id_for(raw["url"]) if isinstance(raw.get("url"), str) else None

    def build(self, response, raw: dict, data: Any):
        url = raw.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ValueError("course has no url")
        url = url.strip()
        if url.startswith("//"):
            url = "https:" + url
        url = url.replace("http://", "https://", 1)
        run = latest_run(raw.get("runs")) or {}
        organisation = raw.get("organisation")
        fields: dict[str, Any] = dict(
            source_id=self.source_id_for(url),
            title=clean(raw.get("name")),
            url=url,
            credential_type="course",
            description=(raw.get("introduction") or "").strip() or None,
            organisation=sd.text(organisation) if organisation else None,
            language_text=raw.get("language") if isinstance(raw.get("language"), str) else None,
            duration_text=with_unit(per_week, "hours per week") if is_number(per_week := raw.get("hours_per_week")) else None,
            length_text=with_unit(weeks, "weeks") if is_number(weeks := run.get("duration_in_weeks")) else None,
            skills=sd.texts(raw.get("categories")),
            runs=[{"id": r.get("uuid"), "start": r.get("start_date"),
                   "length_text": with_unit(r["duration_in_weeks"], "weeks") if is_number(r.get("duration_in_weeks")) else None,
                   "pacing_text": "scheduled run",
                   "duration_text": with_unit(per_week, "hours per week") if is_number(per_week) else None}
                  for r in raw.get("runs") or [] if isinstance(r, dict)],
        )
        if raw.get("has_certificates") is True:
            fields["cost_text"] = AUDIT_TEXT  # free to join; certificate of achievement paid
        elif raw.get("has_certificates") is False:
            fields["cost_text"] = "Free"
        return self.listing(response, raw, **fields)
