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
    return [n for i in as_list(value) if isinstance(i, dict) and (n := label(i.get("name")))]


def label(value: Any) -> str | None:
    """A name as text: a plain string, or a v3 MultilingualLabel (``[{"inLanguage": "en", "name": ...}]``),
    English preferred, else the first."""
    if isinstance(value, str):
        return clean(value)
    items = [i for i in as_list(value) if isinstance(i, dict) and clean(i.get("name"))]
    chosen = next((i for i in items if str(i.get("inLanguage", "")).lower().startswith("en")), items[0] if items else None)
    return clean(chosen["name"]) if chosen else None


# Keys only a MOOChub v3 course has (moochub-schema.json v3.0.1 requires `creator`; v2 had `languages`,
# `partnerInstitute`, `moocProvider`). A document is read as v3 when its course carries one of them.
V3_KEYS = ("creator", "inLanguage", "offer", "offers", "learningResourceType", "teaches", "numberOfCredits")
PERIODS = {"weekly": "/week", "monthly": "/month", "quarterly": "/quarter", "half-yearly": "/half-year",
           "by semester": "/semester", "yearly": "/year"}
MODES_PACING = ("synchronous", "asynchronous")


def is_v3(attrs: dict) -> bool:
    return any(k in attrs for k in V3_KEYS) or isinstance(attrs.get("publisher"), dict)


def offers_text(offers: Any) -> str | None:
    """v3 ``offer[]`` as every offer with its category: ``"Course: EUR 0; Certificate: EUR 50"``; a recurring
    payment as ``"Subscription: EUR 9/month"``."""
    out = []
    for o in as_list(offers):
        if not isinstance(o, dict) or not is_number(o.get("price")):
            continue
        period = PERIODS.get(str(o.get("paymentFrequency") or "").lower(), "")
        kind = "Subscription" if period else (str(o.get("category") or "offer").strip().capitalize())
        currency = str(o.get("priceCurrency") or "").strip()
        out.append(f"{kind}: {currency + ' ' if currency else ''}{o['price']:g}{period}")
    return "; ".join(out) or None


def v3_organisations(attrs: dict) -> list[str]:
    """Who offers a v3 course: the creators that are organisations, else the persons' affiliations, else the
    contributing organisations, else the publisher (the platform)."""
    creators = [c for c in as_list(attrs.get("creator")) if isinstance(c, dict)]
    orgs = names([c for c in creators if c.get("type") != "Person"])
    orgs = orgs or names([c.get("affiliation") for c in creators if isinstance(c.get("affiliation"), dict)])
    orgs = orgs or names([c for c in as_list(attrs.get("contributor")) if isinstance(c, dict)
                          and c.get("type") == "Organization"])
    return orgs or names(attrs.get("publisher"))


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
        "credential_type": "always course",
        "description": "attributes.description, else abstract; HTML entities decoded",
        "url": "attributes.url; without one, the platform's course_url template (providers.toml) or a stable "
               "urn:moochub:<platform key>:<id>",
        "organisation": "v3: attributes.creator[] organisations (else persons' affiliation, contributor "
                        "organisations, publisher); v2: partnerInstitute[].name, else publisher, else moocProvider; "
                        "every partner kept, '; '-joined (the first awards)",
        "platform": "the platform's title in providers.toml",
        "level_text": "v3: attributes.educationalLevel[].name (English label), '; '-joined; v2: educationalLevel, else level",
        "language_text": "attributes.inLanguage (v3) or languages (v2), every language, comma-separated",
        "duration_text": "attributes.workload: timeValue and timeUnit ('4 h/week', '2 h/day'), or a bare number as given",
        "length_text": "attributes.duration (ISO 8601, e.g. P6W)",
        "cost_text": "v3: attributes.offer[] 'Category: CUR price' per offer, '; '-joined (recurring: "
                     "'Subscription: CUR price/month'); else access[], comma-separated (free, paid)",
        "credits_text": "v3: attributes.numberOfCredits as '<n> ECTS' (the schema's credit system)",
        "learning_outcomes": "v3: attributes.teaches[]: description, else name; v2: learningObjectives",
        "prerequisites": "v3: attributes.competencyRequired[] names, '; '-joined",
        "participation_text": "v3: attributes.courseMode online/onsite/blended",
        "pacing_text": "v3: attributes.courseMode synchronous/asynchronous",
        "skills": "attributes.keywords",
        "runs": "attributes.startDate[] with endDate[] (v3 lists, v2 one value), with the course's mode, "
                "languages and offers",
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
        if not isinstance(data, dict) or not isinstance(data.get("data", []), (list, dict)):
            raise TypeError("MOOChub page is not a JSON:API document with a data list")
        for entry in as_list(data.get("data")):  # one course object (as in moochub-api.v3.yml's example) or a list
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
        v3 = is_v3(attrs)
        self.crawler.stats.inc_value(f"credcat/moochub/version/{'v3' if v3 else 'v2'}")
        if v3:
            organisations = v3_organisations(attrs)
            level = "; ".join(dict.fromkeys(n for e in as_list(attrs.get("educationalLevel")) if isinstance(e, dict)
                                            and (n := label(e.get("name"))))) or None
            outcomes = [t for e in as_list(attrs.get("teaches")) if isinstance(e, dict)
                        and (t := clean(e.get("description")) or label(e.get("name")))]
            credits = attrs.get("numberOfCredits")
            modes = [m for m in as_list(attrs.get("courseMode")) if isinstance(m, str)]
            cost = offers_text(attrs.get("offer") or attrs.get("offers"))
        else:
            organisations = names(attrs.get("partnerInstitute")) or names(attrs.get("publisher")) \
                or names(attrs.get("moocProvider"))
            level = attrs.get("educationalLevel") or attrs.get("level")
            level = level if isinstance(level, str) else None
            outcomes = [clean(o) for o in as_list(attrs.get("learningObjectives")) if clean(o)]
            credits, modes, cost = None, [], None
        return self.listing(
            response,
            entry,
            source_id=self.source_id_of(response, entry),
            title=clean(attrs.get("name")),
            url=attrs.get("url") or self.course_page(platform, entry, attrs),
            credential_type="course",
            description=clean(attrs.get("description")) or clean(attrs.get("abstract")),
            organisation="; ".join(dict.fromkeys(organisations)) or None,
            platform=(self.platforms.get(platform) or {}).get("title") or platform,
            level_text=level,
            language_text=joined(x for x in as_list(attrs.get("inLanguage") or attrs.get("languages")) if isinstance(x, str)),
            duration_text=workload_text(attrs.get("workload")),
            length_text=attrs.get("duration") if isinstance(attrs.get("duration"), str) else None,
            cost_text=cost or joined(a for a in as_list(attrs.get("access")) if isinstance(a, str)),
            credits_text=f"{credits:g} ECTS" if is_number(credits) else None,
            learning_outcomes=outcomes,
            prerequisites="; ".join(names(attrs.get("competencyRequired"))) or None,
            participation_text=joined(m for m in modes if m not in MODES_PACING),
            pacing_text=joined(m for m in modes if m in MODES_PACING),
            skills=[clean(k) for k in keywords if clean(k)],
            source_modified=attrs.get("updatedAt") or attrs.get("dateModified"),
            runs=self.runs_of(attrs, modes, cost),
        )

    @staticmethod
    def runs_of(attrs: dict, modes: list[str], cost: str | None) -> list[dict]:
        """Each stated start (v3 ``startDate[]`` with ``endDate[]`` in the same order; v2 one string) as a run."""
        starts = [d for d in as_list(attrs.get("startDate")) if isinstance(d, str) and d.strip()]
        ends = [d for d in as_list(attrs.get("endDate")) if isinstance(d, str) and d.strip()]
        common = {"duration_text": workload_text(attrs.get("workload")),
                  "length_text": attrs.get("duration") if isinstance(attrs.get("duration"), str) else None,
                  "participation_text": joined(m for m in modes if m not in MODES_PACING),
                  "pacing_text": joined(m for m in modes if m in MODES_PACING), "cost_text": cost,
                  "language_text": joined(x for x in as_list(attrs.get("inLanguage") or attrs.get("languages"))
                                          if isinstance(x, str))}
        return [{"start": start, "end": ends[i] if i < len(ends) else None, **common} for i, start in enumerate(starts)]

    def course_page(self, platform: str, entry: dict, attrs: dict) -> str | None:
        """A course the feed gives without ``url``: its platform's course page when the platform configures a
        ``course_url`` template (``"/courses/{courseCode}"``), else a stable id, so the course is kept."""
        ident = entry.get("id")
        if ident in (None, ""):
            return None
        conf = (self.provider.get("platforms") or {}).get(platform) or {}
        template, code = conf.get("course_url"), attrs.get("courseCode") or ident
        if template and isinstance(code, str) and code.strip():
            return conf["base_url"].rstrip("/") + template.format(courseCode=code.strip(), id=ident)
        return f"urn:moochub:{platform}:{ident}"
