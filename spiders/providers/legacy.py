"""iversity and Udacity: their public course APIs, read in the shape their recorded real responses have.

Both services are gone in this shape, which is why both providers are ``retired`` in providers.toml (never
crawled by a refresh; ``credcat validate --provider iversity --offline`` and ``-a urls=file://...`` imports
still read them):

- iversity (``GET https://iversity.org/api/v1/courses``: ``{"courses": [...]}``) closed its public MOOC
  catalogue; the recorded answer is from the mammooc project's tests (2015-2017, MIT).
- Udacity's catalogue API (``GET https://www.udacity.com/public-api/v0/courses``: ``{"courses": [...]}``) was
  withdrawn; the recorded answer is from the same project.

Each spider reads one page of ``courses`` and maps the source's own text (contract 1): the normaliser parses.
"""

from __future__ import annotations

import re
from typing import Any

from spiders import structured_data as sd
from spiders.helpers import clean, html_text, is_number, joined
from spiders.web import PagedApiSpider


class CoursesFeedSpider(PagedApiSpider):
    """A ``{"courses": [...]}`` answer at the provider's ``feed_url``."""

    def first_url(self) -> str:
        return self.absolute(self.provider["feed_url"])

    def records(self, response, data: Any):
        if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
            raise TypeError("the answer has no courses list")
        return data["courses"]


_ECTS = re.compile(r"\d+(?:[.,]\d+)?\s*ECTS[^<]*", re.I)


class IversitySpider(CoursesFeedSpider):
    name = "iversity"
    field_sources = {
        "source_id": "id",
        "title": "title, HTML entities decoded",
        "url": "url",
        "credential_type": "always course",
        "description": "description (HTML reduced to text), else subtitle",
        "organisation": "organisations[].name, every one, '; '-joined (entities decoded)",
        "level_text": "knowledge_level",
        "language_text": "language, as written (German)",
        "length_text": "duration as '<n> weeks' (the run's weeks: 14 from 14 April to 14 July 2015)",
        "cost_text": "verifications[]: '<title>: <price as written>' per track, a track without price 'free'",
        "credits_text": "the ECTS lines of the verification tracks' descriptions ('6 ECTS-Punkte'), '; '-joined",
        "skills": "discipline",
        "runs": "start_date, end_date",
    }

    def source_id_of(self, response, raw: Any) -> str | None:
        return str(raw["id"]) if raw.get("id") not in (None, "") else None

    def build(self, response, raw: dict, data: Any):
        tracks = [t for t in raw.get("verifications") or [] if isinstance(t, dict) and clean(t.get("title"))]
        credits = [m.group(0).strip() for t in tracks for m in _ECTS.finditer(clean(t.get("description")) or "")]
        duration = raw.get("duration")
        weeks = duration if isinstance(duration, str) and duration.strip().isdigit() else (
            f"{duration:g}" if is_number(duration) else None)
        return self.listing(
            response, raw,
            source_id=self.source_id_of(response, raw),
            title=clean(raw.get("title")),
            url=raw.get("url"),
            credential_type="course",
            description=html_text(raw.get("description")) or html_text(raw.get("subtitle")),
            organisation=joined((clean(o.get("name")) for o in raw.get("organisations") or [] if isinstance(o, dict)), "; "),
            level_text=clean(raw.get("knowledge_level")),
            language_text=clean(raw.get("language")),
            length_text=f"{weeks} weeks" if weeks else None,
            cost_text=joined((f"{clean(t['title'])}: {clean(t.get('price')) or 'free'}" for t in tracks), "; "),
            credits_text=joined(dict.fromkeys(credits), "; "),
            skills=[d for d in [clean(raw.get("discipline"))] if d],
            runs=[{"start": raw.get("start_date"), "end": raw.get("end_date"), "language_text": clean(raw.get("language")),
                   "length_text": f"{weeks} weeks" if weeks else None}] if raw.get("start_date") else [],
        )


class UdacitySpider(CoursesFeedSpider):
    name = "udacity"
    field_sources = {
        "source_id": "key",
        "title": "title",
        "url": "homepage, tracking parameters removed",
        "credential_type": "always course",
        "description": "summary, else short_summary",
        "organisation": "affiliates[].name, else Udacity",
        "level_text": "level",
        "length_text": "expected_duration with expected_duration_unit ('3 months')",
        "prerequisites": "required_knowledge",
        "learning_outcomes": "expected_learning (one text)",
        "skills": "tracks",
    }

    def source_id_of(self, response, raw: Any) -> str | None:
        return raw["key"] if isinstance(raw.get("key"), str) and raw["key"] else None

    def build(self, response, raw: dict, data: Any):
        duration, unit = raw.get("expected_duration"), clean(raw.get("expected_duration_unit"))
        affiliates = [clean(a.get("name")) for a in raw.get("affiliates") or [] if isinstance(a, dict)]
        return self.listing(
            response, raw,
            source_id=self.source_id_of(response, raw),
            title=clean(raw.get("title")),
            url=raw.get("homepage") or (f"https://www.udacity.com/course/{raw['slug']}" if raw.get("slug") else None),
            credential_type="course",
            description=clean(raw.get("summary")) or clean(raw.get("short_summary")),
            organisation=joined((a for a in affiliates if a), "; ") or "Udacity",
            level_text=clean(raw.get("level")),
            length_text=f"{duration:g} {unit}" if is_number(duration) and unit else None,
            prerequisites=clean(raw.get("required_knowledge")),
            learning_outcomes=[t for t in [clean(raw.get("expected_learning"))] if t],
            skills=sd.texts(raw.get("tracks")),
        )
