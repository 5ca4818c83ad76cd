"""Incremental crawls: every response is stored (Scrapy's HTTP cache) and the next crawl asks the source
whether it changed (``If-None-Match`` / ``If-Modified-Since``, RFC 7232). A ``304 Not Modified`` costs a few
headers instead of the page; the spider gets the stored page and reads it as usual.

Two departures from Scrapy's RFC 2616 policy, both so that a cache never hides what the source did:

- every stored response is revalidated, never served as "still fresh" by the freshness heuristics;
- a stored response stands in for a ``304`` only: a server error or a failed download stays a failure (Scrapy
  would serve the stored copy), so crawl completeness (``spiders/extensions.py``) still sees it.

Offline crawls fetch the snapshot from a loopback server on a new port each time; requests are fingerprinted
by the live URL a mirror URL stands for (``CatalogueSpider.unbase``), so one run's cache serves the next.
The crawl runner (``pipeline/crawl.py``) turns the cache on per provider under the data folder.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.utils.request import RequestFingerprinter


class RevalidatingPolicy(RFC2616Policy):
    """RFC 2616 caching that always revalidates and accepts the stored copy only on a 304."""

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)  # ask the source: If-None-Match / -Modified-Since
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304


class ConditionalCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware, without serving a stored copy for a download that failed."""

    def process_exception(self, request, exception, spider=None):
        request.meta.pop("cached_response", None)
        return None


class LiveUrlFingerprinter:
    """Scrapy's request fingerprint, taken of the live URL a mirror (offline snapshot) URL stands for."""

    def __init__(self, crawler=None):
        self.crawler = crawler
        self._default = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def fingerprint(self, request) -> bytes:
        unbase = getattr(getattr(self.crawler, "spider", None), "unbase", None)
        if unbase is not None:
            live = unbase(request.url)
            if live != request.url:
                request = request.replace(url=live)
        return self._default.fingerprint(request)
