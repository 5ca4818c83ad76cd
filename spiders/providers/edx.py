"""edX: sitemap + schema.org JSON-LD course and programme pages, and the legacy RSS course feed.

Techniques (``techniques`` in ``providers.toml`` or ``-a techniques=sitemap,rss``):

* ``sitemap``: course pages (``/learn/<subject>/<org>-<course>``) embed a schema.org ``Course`` (with
  ``isPartOf`` naming its programme); programme pages (``/masters/micromasters/``,
  ``/certificates/professional-certificate/``, ``/xseries/``) embed an ``EducationalOccupationalProgram``
  whose ``hasCourse`` lists its courses.
* ``rss``: the legacy ``/api/v2/report/course-feed/rss`` feed: RSS 2.0 items with ``course:`` elements
  (id, code, school, subjects, effort, length, verified, xseries...), paged by ``atom:link rel="next"``.
  Also read when a given URL (``-a urls=file:///feed.xml``) is an RSS document.

The Discovery API needs partner OAuth, so it is not used.
"""

from __future__ import annotations

import html
import re
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from spiders import limits
from spiders.helpers import AUDIT_TEXT, clean
from spiders.web import JsonLdSpider

NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "course": "https://www.edx.org/api/course/elements/1.0/",
    "staff": "https://www.edx.org/api/staff/elements/1.0/",
}


# edX RSS course:self_paced, as the words the site uses for it
SELF_PACED = {"1": "self-paced", "0": "instructor-paced"}


def rfc822_to_iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


class EdxSpider(JsonLdSpider):
    name = "edx"
    known_techniques = ("sitemap", "rss")
    field_sources = {
        **JsonLdSpider.field_sources,
        "credential_type": "page kind: /learn/ course, /masters/micromasters/ degree_program, "
        "/certificates/professional-certificate/ certificate, /xseries/ learning_program (RSS: course)",
        "description": "JSON-LD description (RSS: description, verbatim)",
        "organisation": "JSON-LD provider.name (RSS: course:school)",
        "duration_text": "courseWorkload, as written (RSS: course:effort)",
        "length_text": "courseSchedule.duration; a programme's timeToComplete (RSS: course:length)",
        "language_text": "inLanguage (RSS: course:language, else the channel language)",
        "cost_text": "offers, every offer (RSS: course:verified 1 -> 'Free to audit; paid certificate')",
        "skills": "JSON-LD teaches (RSS: course:subject)",
        "has_part": "EducationalOccupationalProgram.hasCourse (an ItemList)",
        "part_of": "Course.isPartOf",
        "source_modified": "dateModified (RSS: pubDate)",
        "prerequisites": "JSON-LD coursePrerequisites (RSS: course:prerequisites)",
        "pacing_text": "RSS course:self_paced 1 -> 'self-paced', 0 -> 'instructor-paced'",
        "runs": "JSON-LD hasCourseInstance, one run each (RSS: course:start, course:end, course:id)",
    }

    def start_urls_for(self):
        if "sitemap" in self.techniques:
            yield from super().start_urls_for()
        if "rss" in self.techniques:
            request = self.page_request(self.absolute(self.provider["rss_url"]), 1, callback=self.parse_rss, family="rss")
            if request is not None:
                yield request

    def parse_xml(self, response):
        if b"<rss" in response.body[:4096]:
            yield from self.parse_rss(response, page=1, follow=False)
        else:
            yield from super().parse_xml(response)

    # -- RSS -----------------------------------------------------------------------------------------------
    def parse_rss(self, response, page: int = 1, follow: bool = True):
        stats = self.crawler.stats
        try:
            limits.check_xml(response.body)  # a DTD with entities (billion laughs, XXE) is refused, never parsed
        except limits.Refused as exc:
            yield self.quarantine(response, exc.reason, str(exc), limits.excerpt(response.body, 10_000))
            return
        try:
            sel = Selector(text=response.body.decode(response.encoding if hasattr(response, "encoding") else "utf-8",
                                                     "replace"), type="xml")
            for prefix, uri in NAMESPACES.items():
                sel.register_namespace(prefix, uri)
            items = sel.xpath("//channel/item")
        except ValueError as exc:
            yield self.quarantine(response, "invalid_xml", f"RSS feed is not XML: {exc}", response.body[:100_000].decode("utf-8", "replace"))
            return
        stats.inc_value("credcat/pagination/pages")
        language = sel.xpath("//channel/language/text()").get()
        for item in items:
            raw = self.rss_item(item)
            raw.setdefault("channel_language", language)
            link = raw.get("link")
            item_out = self.safely(response, raw, lambda r: self.build_rss(response, r),
                                   self.source_id_for(link) if link else None)
            if self.first_time(item_out):
                yield item_out
        if not items:
            stats.inc_value("credcat/pagination/empty_pages")
        nxt = sel.xpath("//channel/atom:link[@rel='next']/@href").get()
        if follow and nxt and items:
            request = self.page_request(self.rebase(urljoin(self.unbase(response.url), nxt.strip())), page + 1,
                                        callback=self.parse_rss, family="rss")
            if request is not None:
                yield request

    @staticmethod
    def rss_item(item: Selector) -> dict[str, Any]:
        """An RSS item as a plain dict, element names kept (``course:effort``), repeated ones as lists."""
        raw: dict[str, Any] = {}
        for child in item.xpath("./*"):
            name = child.xpath("name()").get()
            if name == "course:instructors":
                raw[name] = child.xpath(".//staff:name/text()").getall()
                continue
            value = (child.xpath("string()").get() or "").strip()
            if name in raw:
                raw[name] = (raw[name] if isinstance(raw[name], list) else [raw[name]]) + [value]
            elif name == "course:subject":
                raw[name] = [value]
            else:
                raw[name] = value
        return raw

    def build_rss(self, response, raw: dict):
        link = raw.get("link")
        if not link:
            raise ValueError("item has no link")
        subtitle = raw.get("course:subtitle")
        fields: dict[str, Any] = dict(
            source_id=self.source_id_for(link),
            title=clean(raw.get("title")),
            url=link,
            credential_type="course",
            description=(raw.get("description") or None) or (re.sub(r"<[^>]+>", "", html.unescape(subtitle)).strip() if subtitle else None),
            organisation=raw.get("course:school") or None,
            language_text=raw.get("course:language") or raw.get("channel_language") or None,
            duration_text=raw.get("course:effort") or None,
            length_text=raw.get("course:length") or None,
            skills=[s for s in raw.get("course:subject") or [] if s],
            source_modified=rfc822_to_iso(raw.get("pubDate")),
            prerequisites=raw.get("course:prerequisites") or None,
            pacing_text=SELF_PACED.get(raw.get("course:self_paced")),
        )
        if raw.get("course:start") or raw.get("course:end"):
            fields["runs"] = [{"id": raw.get("course:id") or None, "start": raw.get("course:start") or None,
                               "end": raw.get("course:end") or None, "pacing_text": fields["pacing_text"],
                               "language_text": fields["language_text"], "duration_text": fields["duration_text"],
                               "length_text": fields["length_text"]}]
        if raw.get("course:verified") == "1":
            fields["cost_text"] = AUDIT_TEXT  # free to audit, verified certificate paid
        return self.listing(response, raw, **fields)
