"""Coursera: sitemap + schema.org JSON-LD course pages (default), and the courses.v1 catalog API.

Techniques (``techniques`` in ``providers.toml`` or ``-a techniques=sitemap,api``):

* ``sitemap``: the sitemap index lists course (``/learn/``), Specialization (``/specializations/``) and
  Professional Certificate (``/professional-certificates/``) pages; each page embeds schema.org JSON-LD: a
  ``Course``, or an ``EducationalOccupationalProgram`` whose ``hasCourse`` lists the courses it bundles.
* ``api``: ``GET {api_url}/api/courses.v1?start=N&limit=L&includes=partnerIds&fields=...`` returns
  ``elements`` (courses), ``paging`` (``next`` is the next ``start`` cursor, not a URL) and
  ``linked["partners.v1"]`` (the universities and companies behind a course). Coursera does not license this
  API to third parties, so it is off unless configured where terms allow.

Both give a course the source id ``learn/<slug>``, so a course has one uid whichever technique read it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from spiders import structured_data as sd
from spiders.helpers import AUDIT_TEXT, as_list, joined
from spiders.web import JsonLdSpider, PagedApiSpider

DEFAULT_FIELDS = "description,workload,primaryLanguages,subtitleLanguages,partnerIds,certificates,domainTypes,startDate"


class CourseraSpider(JsonLdSpider, PagedApiSpider):
    name = "coursera"
    known_techniques = ("sitemap", "api")
    field_sources = {
        **JsonLdSpider.field_sources,
        "source_id": "learn/<slug>, specializations/<slug>, professional-certificates/<slug> (page path; API: slug)",
        "credential_type": "page kind: /learn/ course, /specializations/ learning_program, "
        "/professional-certificates/ certificate (API: course)",
        "organisation": "JSON-LD provider.name (API: partnerIds resolved through linked partners.v1)",
        "duration_text": "JSON-LD timeRequired or courseWorkload (API: workload, as written)",
        "length_text": "JSON-LD timeToComplete of a programme",
        "language_text": "JSON-LD inLanguage (API: primaryLanguages, comma-separated)",
        "cost_text": "JSON-LD offers, every offer (API: certificates[] -> 'Free to audit; paid certificate')",
        "skills": "JSON-LD teaches (API: domainTypes subdomainId)",
        "runs": "JSON-LD hasCourseInstance, one run each (API: startDate, epoch milliseconds)",
        "has_part": "EducationalOccupationalProgram.hasCourse",
        "part_of": "Course.isPartOf",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.api_base = self.rebase(str(self.provider.get("api_url", "https://api.coursera.org")).rstrip("/"))
        self.page_size = int(self.provider.get("api_page_size", 100))
        self.fields = self.provider.get("api_fields", DEFAULT_FIELDS)
        self.partners: dict[str, str] = {}

    # -- what to fetch -------------------------------------------------------------------------------------
    def start_urls_for(self):
        if "api" in self.techniques:
            yield from PagedApiSpider.start_urls_for(self)
        if "sitemap" in self.techniques:
            yield from JsonLdSpider.start_urls_for(self)

    def api_url(self, start: int | str) -> str:
        query = {"start": start, "limit": self.page_size, "includes": "partnerIds", "fields": self.fields}
        return f"{self.api_base}/api/courses.v1?{urlencode(query)}"

    def first_url(self) -> str:
        return self.api_url(0)

    def parse_given(self, response):
        head = response.body[:4096].lstrip()
        if head[:1] in (b"{", b"[") and b'"elements"' in response.body:
            return self.parse_api_page(response, page=1, follow=False)
        return JsonLdSpider.parse_given(self, response)

    # -- API -----------------------------------------------------------------------------------------------
    def next_url(self, response, data: Any) -> str | None:
        nxt = (data.get("paging") or {}).get("next") if isinstance(data, dict) else None
        if nxt is None or nxt == "":
            return None
        return self.api_url(nxt)

    def records(self, response, data: Any):
        linked = data.get("linked") or {}
        for partner in linked.get("partners.v1") or []:
            if isinstance(partner, dict) and partner.get("id") is not None and partner.get("name"):
                self.partners[str(partner["id"])] = partner["name"]
        elements = data["elements"]
        if not isinstance(elements, list):
            raise TypeError("'elements' is not a list")
        return elements

    def source_id_of(self, response, raw: Any) -> str | None:
        slug = raw.get("slug") if isinstance(raw, dict) else None
        return f"learn/{slug}" if isinstance(slug, str) and slug else None

    def build(self, response, raw: dict, data: Any):
        slug = raw.get("slug")
        if not isinstance(slug, str) or not slug:
            raise ValueError("course has no slug")
        partners = [self.partners.get(str(p), str(p)) for p in raw.get("partnerIds") or []]
        workload = raw.get("workload") or None
        fields: dict[str, Any] = dict(
            source_id=f"learn/{slug}",
            title=raw.get("name"),
            url=f"{self.live_base_url}/learn/{slug}",
            credential_type="course",
            description=raw.get("description") or None,
            organisation=", ".join(partners) or None,
            language_text=joined(as_list(raw.get("primaryLanguages"))),
            duration_text=workload,
            skills=sd.texts([d.get("subdomainId") or d.get("domainId") for d in raw.get("domainTypes") or []
                             if isinstance(d, dict)]),
        )
        start = raw.get("startDate")
        if start not in (None, ""):  # courses.v1 startDate: the session's start, epoch milliseconds as given
            fields["runs"] = [{"start": str(start), "language_text": fields["language_text"]}]
        if raw.get("certificates"):
            # Courses are free to audit; the certificate is paid (amount depends on country and plan).
            fields["cost_text"] = AUDIT_TEXT
        return self.listing(response, raw, **fields)
