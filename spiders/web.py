"""Base spiders for providers that publish on the web: sitemap + schema.org JSON-LD pages, and paged JSON APIs.

* :class:`JsonLdSpider` reads schema.org JSON-LD (``Course``, ``EducationalOccupationalProgram``,
  ``EducationalOccupationalCredential``) from pages found through sitemaps (Scrapy's ``SitemapSpider``),
  configured start pages, or given URLs / ``file://`` exports. Everything it needs can come from the provider
  entry in ``providers.toml``, so a provider that embeds JSON-LD is added by configuration alone
  (``spiders/providers/jsonld.py``). Provider spiders override :meth:`JsonLdSpider.adjust` for the few
  fields schema.org leaves ambiguous.
* :class:`PagedApiSpider` reads a JSON API page by page, following ``links.next`` / ``paging.next`` with a
  loop guard (a page URL seen before, or more than ``max_pages`` pages, stops the walk and is counted in the
  crawl stats); several walks (one per MOOChub platform) if need be.

Requests whose loss loses a family of listings carry ``meta["credcat_family"]`` (contract 2 in TEAM.md):
every sitemap (``sitemap``) and every API or feed page (``api`` unless the walk names its own family).

Configuration keys read from the provider entry (all optional):

``sitemaps``        sitemap or robots.txt URLs, absolute or relative to ``base_url``
``start_urls``      pages to read (and, with ``follow_links``, to follow links from)
``url_patterns``    regexes a page URL must match to be read (sitemap entries and followed links)
``sitemap_follow``  regexes for the sub-sitemaps of a sitemap index worth following
``wanted_types``    schema.org types to map (default: Course, EducationalOccupationalProgram,
                    EducationalOccupationalCredential)
``url_types``       regex -> credential type, for sites whose URL says what a page is
``id_pattern``      regex whose first group is the source id in a URL (default: the URL path)
``max_pages``       page limit for paged APIs (default 500)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.spiders import SitemapSpider
from w3lib.url import canonicalize_url

from spiders import limits
from spiders import structured_data as sd
from spiders.base import FAMILY_META, CatalogueSpider, canonical_url
from spiders.cache import MODIFIED_META

DEFAULT_WANTED_TYPES = ("Course", "EducationalOccupationalProgram", "EducationalOccupationalCredential")
REF_FIELDS = {"has_part_urls": "has_part", "part_of_urls": "part_of", "prepares_for_urls": "prepares_for"}


class WebCatalogueSpider(CatalogueSpider):
    """Shared helpers: URL -> source id -> uid, a per-crawl set that drops repeated uids, and the choice of
    techniques for a provider that offers several (``techniques`` in providers.toml or ``-a techniques=``)."""

    known_techniques: tuple[str, ...] = ()  # the first is the default

    def __init__(self, *args: Any, techniques: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        chosen = techniques.split(",") if techniques else list(self.provider.get("techniques", self.known_techniques[:1]))
        unknown = [t for t in chosen if t not in self.known_techniques]
        if unknown:
            raise ValueError(f"unknown {self.name} techniques: {', '.join(unknown)} "
                             f"(known: {', '.join(self.known_techniques) or 'none'})")
        self.techniques = chosen
        pattern = self.provider.get("id_pattern")
        self.id_regex = re.compile(pattern) if pattern else None
        self.url_types = [(re.compile(p), t) for p, t in (self.provider.get("url_types") or {}).items()]
        self.emitted: set[str] = set()
        self.max_pages = int(self.provider.get("max_pages", 500))
        self.seen_pages: set[str] = set()

    def page_request(self, url: str, page: int, callback=None, *, family: str = "api", meta: dict | None = None,
                     **cb_kwargs: Any) -> scrapy.Request | None:
        """The request for page ``page`` of a paged source, or None when the walk must stop: the URL was
        seen before (pagination that loops) or ``max_pages`` is passed. Both are counted in the stats.

        The request carries ``meta["credcat_family"] = family``: losing a page loses every listing after it."""
        key = canonicalize_url(url)
        stats = self.crawler.stats
        if key in self.seen_pages:
            stats.inc_value("credcat/pagination/loop_stopped")
            self.logger.warning("pagination loops back to %s: stopping", url)
            return None
        if page > self.max_pages:
            stats.inc_value("credcat/pagination/max_pages_reached")
            self.logger.warning("pagination passed max_pages=%s at %s: stopping", self.max_pages, url)
            return None
        self.seen_pages.add(key)
        return scrapy.Request(url, callback=callback or self.parse_api_page, dont_filter=True,
                              meta={**(meta or {}), FAMILY_META: family}, cb_kwargs={"page": page, **cb_kwargs})

    def absolute(self, url: str) -> str:
        """A configured URL: absolute as given, or relative to the (possibly mirrored) base URL."""
        if re.match(r"^[a-z][a-z0-9+.-]*://", url):
            return self.rebase(url)
        return f"{self.base_url}/{url.lstrip('/')}"

    def source_id_for(self, url: str) -> str:
        """The provider's id for a listing URL: ``id_pattern``'s group, else the path (``learn/python``)."""
        live = self.unbase(url)
        if self.id_regex:
            m = self.id_regex.search(live)
            if m:
                return m.group(1)
        parts = urlsplit(canonical_url(live) or live)
        if parts.scheme == "file":
            return parts.path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]  # a file, or a folder ("./")
        path = parts.path.strip("/")
        return path or parts.netloc

    def uid_for_url(self, url: str) -> str:
        return self.uid(self.source_id_for(url))

    def type_for_url(self, url: str) -> str | None:
        for regex, ctype in self.url_types:
            if regex.search(url):
                return ctype
        return None

    def first_time(self, item: Any) -> bool:
        """False for a listing whose uid this crawl already produced (same page twice, two techniques)."""
        uid = getattr(item, "uid", None)
        if not uid:
            return True
        if uid in self.emitted:
            self.crawler.stats.inc_value("credcat/duplicates_dropped")
            return False
        self.emitted.add(uid)
        return True


class JsonLdSpider(WebCatalogueSpider, SitemapSpider):
    """Listings from schema.org JSON-LD in pages reached through sitemaps, start pages or given URLs."""

    wanted_types: tuple[str, ...] = DEFAULT_WANTED_TYPES
    # Where each canonical field comes from (read by the data dictionary, pipeline/dictionary.py).
    field_sources = {
        "source_id": "the listing URL's path (or the provider's id_pattern group)",
        "title": "schema.org name, HTML entities decoded",
        "url": "schema.org url, else the page URL; tracking parameters removed",
        "credential_type": "url_types pattern, else @type: Course -> course; EducationalOccupationalProgram by "
        "programType; EducationalOccupationalCredential by credentialCategory",
        "description": "schema.org description, verbatim",
        "organisation": "provider / author / creator / publisher / offeredBy name (never recognizedBy)",
        "recognition": "recognizedBy, each as role recognized_by",
        "credits_text": "numberOfCredits, as written",
        "level_text": "educationalLevel, as written",
        "language_text": "inLanguage (a code or name, a Language object's code), else the course instance's",
        "duration_text": "timeRequired, else the course instance's courseWorkload, as written (workload)",
        "length_text": "timeToComplete, else the course instance's courseSchedule duration (calendar length)",
        "cost_text": "offers, every offer as '<category>: <currency> <price>', '; '-separated",
        "skills": "teaches + keywords + about",
        "has_part": "hasCourse / hasPart URLs as uids",
        "part_of": "isPartOf URLs as uids",
        "prepares_for": "educationalCredentialAwarded URLs as uids",
        "source_modified": "dateModified",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        p = self.provider
        self.wanted_types = tuple(p.get("wanted_types") or self.wanted_types)
        self.url_patterns = [re.compile(x) for x in (p.get("url_patterns") or [""])]
        # SitemapSpider compiled its class-level rules in __init__; the provider's configuration replaces them.
        self._cbs = [(regex, self.parse_page) for regex in self.url_patterns]
        self._follow = [re.compile(x) for x in (p.get("sitemap_follow") or [""])]
        self.sitemap_urls = [self.absolute(u) for u in p.get("sitemaps") or []]
        self.start_pages = [self.absolute(u) for u in p.get("start_urls") or []]
        self.follow_links = bool(p.get("follow_links", False))
        self.lastmods: dict[str, str] = {}  # sitemap <loc> -> its <lastmod>, read by _parse_sitemap

    # -- what to fetch -------------------------------------------------------------------------------------
    def start_urls_for(self) -> Iterable[scrapy.Request]:
        yield from self.sitemap_requests()
        for url in self.start_pages:
            yield scrapy.Request(url, callback=self.parse_page)

    def sitemap_requests(self) -> Iterable[scrapy.Request]:
        for url in self.sitemap_urls:
            yield scrapy.Request(url, callback=self._parse_sitemap, meta={FAMILY_META: "sitemap"})

    def sitemap_filter(self, entries):
        """Every entry, its ``lastmod`` remembered: the request for it carries the date (``MODIFIED_META``), so
        a page (or sub-sitemap) not modified since its stored copy is read from the HTTP cache unasked."""
        for entry in entries:
            lastmod = entry.get("lastmod")
            if entry.get("loc") and lastmod:
                self.lastmods[entry["loc"]] = lastmod
            yield entry

    def _parse_sitemap(self, response):
        """Scrapy's sitemap walk (robots.txt, index, urlset), with live URLs moved onto the mirror. A request
        for a (sub-)sitemap is of the ``sitemap`` family: losing one loses every page it lists. Each request
        carries its entry's ``lastmod`` (:meth:`sitemap_filter`)."""
        body = None if response.url.endswith("/robots.txt") else self._get_sitemap_body(response)
        try:
            limits.check_xml(body or b"")  # a DTD with entities would silently cut the sitemap short
        except limits.Refused as exc:
            yield self.quarantine(response, exc.reason, str(exc), limits.excerpt(body, 10_000))
            return
        for request in super()._parse_sitemap(response) or ():
            if urlsplit(request.url).scheme not in ("http", "https"):  # a <loc> of file:, data:, ftp: ...
                yield self.quarantine(response, "unsafe_address", f"sitemap entry {request.url} is not http(s): "
                                      f"not fetched", request.url)
                continue
            self.crawler.stats.inc_value("credcat/sitemap/urls")
            meta = {**request.meta, FAMILY_META: "sitemap"} if request.callback == self._parse_sitemap else dict(request.meta)
            lastmod = self.lastmods.pop(request.url, None)
            if lastmod:
                meta[MODIFIED_META] = lastmod
            yield request.replace(url=self.rebase(request.url), meta=meta)

    def wanted_page(self, url: str) -> bool:
        return any(r.search(self.unbase(url)) for r in self.url_patterns)

    def parse_given(self, response):
        """A given URL may be a sitemap, a page, or an exported JSON-LD document: sniff which."""
        head = response.body[:2048].lstrip().lower()
        if head.startswith(b"<?xml") or head.startswith(b"<urlset") or head.startswith(b"<sitemapindex"):
            if b"<urlset" in head or b"<sitemapindex" in head:
                yield from self._parse_sitemap(response)
                return
            yield from self.parse_xml(response)
            return
        if head.startswith(b"{") or head.startswith(b"["):
            yield from self.parse_document(response)
            return
        yield from self.parse_page(response)

    def parse_xml(self, response):
        """XML that is not a sitemap (a feed, say): provider spiders that read one override this."""
        yield self.quarantine(response, "unsupported_format", "XML document is neither a sitemap nor a known feed",
                              response.text[:100_000])

    # -- reading pages -------------------------------------------------------------------------------------
    def parse(self, response, **kwargs):
        yield from self.parse_page(response)

    def parse_page(self, response):
        blocks = sd.extract_blocks(response.text) if hasattr(response, "text") else []
        yield from self.from_blocks(response, blocks)
        if self.follow_links and hasattr(response, "css"):
            # links in the page, and the pages its JSON-LD refers to (a programme's courses, say)
            hrefs = response.css("a::attr(href)").getall()
            for block in blocks:
                for node in sd.of_types(block.objects, self.wanted_types):
                    for key in ("hasCourse", "hasPart", "isPartOf", "educationalCredentialAwarded"):
                        hrefs.extend(sd.ref_urls(node.get(key)))
            for href in hrefs:
                url = response.urljoin(href)
                if url.startswith(("http://", "https://")) and self.wanted_page(url):
                    yield scrapy.Request(self.rebase(url), callback=self.parse_page)

    def parse_document(self, response):
        """An exported JSON-LD document (``-a urls=file:///export.jsonld``)."""
        # A JSON-LD file is UTF-8 by definition: invalid bytes are kept (never U+FFFD) for the item pipeline to
        # quarantine the records holding them as invalid_encoding (spiders/limits.py).
        yield from self.from_blocks(response, [sd.extract_document(limits.decode_utf8(response.body))])

    def from_blocks(self, response, blocks: list[sd.JsonLdBlock]):
        stats = self.crawler.stats
        page_id = self.source_id_for(response.url)
        nodes: list[dict] = []
        for block in blocks:
            if block.error:
                stats.inc_value("credcat/jsonld/invalid_blocks")
                yield self.quarantine(response, block.reason, block.error, block.text[:100_000], page_id)
                continue
            if block.repaired:
                stats.inc_value("credcat/jsonld/repaired_blocks")
            nodes.extend(block.objects)
        wanted = sd.of_types(nodes, self.wanted_types)
        if not wanted:
            stats.inc_value("credcat/jsonld/pages_without_wanted_type")
            if not blocks:
                stats.inc_value("credcat/jsonld/pages_without_jsonld")
            self.logger.info("no %s in JSON-LD at %s", "/".join(self.wanted_types), response.url)
            return
        for node in wanted:
            stats.inc_value(f"credcat/jsonld/types/{'+'.join(sd.types_of(node)) or 'untyped'}")
            url = sd.ref_url(node.get("url")) or response.url
            item = self.safely(response, node, lambda n: self.build_jsonld(response, n), self.source_id_for(url))
            if self.first_time(item):
                yield item

    def build_jsonld(self, response, node: dict):
        fields = sd.map_node(node)
        stated = fields.get("url")  # a relative url or @id ("./", schema.org's eg-0333) resolves against the page
        url = self.unbase(response.urljoin(stated) if stated else response.url)
        fields["url"] = url
        fields["source_id"] = self.source_id_for(url)
        fields["credential_type"] = self.type_for_url(url) or fields.get("credential_type")
        for src, dst in REF_FIELDS.items():
            fields[dst] = [self.uid_for_url(u) for u in fields.pop(src, [])]
        fields = self.adjust(response, node, fields)
        return self.listing(response, node, **fields)

    def adjust(self, response, node: dict, fields: dict[str, Any]) -> dict[str, Any]:
        """Hook: provider-specific corrections to the mapped fields."""
        return fields


class PagedApiSpider(WebCatalogueSpider):
    """A JSON API read page by page, with a loop guard.

    Subclasses implement :meth:`first_url` (or :meth:`first_pages` for several walks, one per MOOChub
    platform say), :meth:`records` and :meth:`build`; :meth:`next_url` follows ``links.next`` (JSON:API, a
    string or a link object) or a URL in ``paging.next`` and can be overridden for cursor-style paging.
    Every page request is of the walk's family (``api`` by default); ``meta`` keys named in ``walk_meta``
    travel from page to page, so a page knows the walk it belongs to.
    """

    walk_meta: tuple[str, ...] = (FAMILY_META,)

    def first_url(self) -> str:
        raise NotImplementedError

    def first_pages(self) -> Iterable[tuple[str, dict]]:
        """(live or mirror URL, request meta) of the first page of each walk."""
        yield self.first_url(), {FAMILY_META: "api"}

    def records(self, response, data: Any) -> Iterable[Any]:
        raise NotImplementedError

    def build(self, response, raw: dict, data: Any):
        raise NotImplementedError

    def source_id_of(self, response, raw: Any) -> str | None:
        return None

    def start_urls_for(self):
        for url, meta in self.first_pages():
            request = self.page_request(self.rebase(url), 1, family=meta.get(FAMILY_META, "api"), meta=meta)
            if request is not None:
                yield request

    def parse_given(self, response):
        return self.parse_api_page(response, page=1, follow=False)

    def parse(self, response, **kwargs):
        return self.parse_api_page(response, **kwargs)

    def parse_api_page(self, response, page: int = 1, follow: bool = True):
        stats = self.crawler.stats
        data, bad = self.load_json(response)
        if bad is not None:
            yield bad
            return
        stats.inc_value("credcat/pagination/pages")
        try:
            records = list(self.records(response, data))
        except Exception as exc:  # noqa: BLE001 - an unexpected page shape is quarantined, not fatal
            yield self.quarantine(response, "wrong_type", f"unexpected page shape: {type(exc).__name__}: {exc}", data)
            return
        count = len(records)
        for item in self.each_record(response, records, lambda r: self.build(response, r, data),
                                     lambda r: self.source_id_of(response, r)):
            if self.first_time(item):
                yield item
        if count == 0:
            stats.inc_value("credcat/pagination/empty_pages")
        if follow and count:
            nxt = self.next_url(response, data)
            if nxt:
                meta = {k: response.meta[k] for k in self.walk_meta if k in response.meta}
                # relative links are relative to the page's live URL, not to its place on a mirror
                request = self.page_request(self.rebase(urljoin(self.unbase(response.url), nxt)), page + 1,
                                            family=meta.get(FAMILY_META, "api"), meta=meta)
                if request is not None:
                    yield request

    def next_url(self, response, data: Any) -> str | None:
        if not isinstance(data, dict):
            return None
        for holder in ("links", "paging"):
            block = data.get(holder)
            if isinstance(block, dict):
                nxt = block.get("next")
                if isinstance(nxt, dict):
                    nxt = nxt.get("href")
                if isinstance(nxt, str) and ("/" in nxt or "?" in nxt):
                    return nxt
        return None
