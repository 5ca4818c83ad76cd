"""A base for spiders that read linked-data documents and follow the URLs inside them (openbadges, ctdl).

What it adds to :class:`~spiders.base.CatalogueSpider`:

* address safety on (``address_safety = True``): :mod:`spiders.safety` refuses every URL but http(s) on the
  allowed domains (the configured hosts; ``file://`` only for ``-a urls=``) and private, loopback and link-local
  hosts, and :meth:`follow_failed` turns a refusal into a quarantine row for the referring document. Links found
  in a ``file://`` import are not looked up at all unless ``-a resolve=1``;
* :meth:`follow_doc`, the one entry point for a URL found inside a document: it is fetched from its place on
  the mirror (:meth:`CatalogueSpider.rebase`, ``mirror = "prefix"`` or ``"hosts"``) while the URL as written
  stays in ``meta["credcat_origin_url"]``, which is what the safety check judges;
* organisation names resolved once per URL, with the records that wait for them emitted when the answer
  (or the failure) arrives.

Bodies are read with :meth:`CatalogueSpider.load_json` like every other spider's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy

from spiders import safety
from spiders.base import CatalogueSpider
from spiders.safety import ORIGIN_META, NotResolved, UnsafeAddress


class DocumentSpider(CatalogueSpider):
    address_safety = True
    credcat_start_family = "page"  # each start URL is one document (one listing), not a family of them
    body_limits: dict = {}  # linked-data documents: the default, tighter bounds of spiders/limits.py

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._names: dict[str, str | None] = {}
        self.refused: dict[str, str] = {}  # URL as written -> why it was not fetched
        self.refused_kind: dict[str, str] = {}  # URL as written -> the refusal's kind (safety.UnsafeAddress.kind)
        self._waiting: dict[str, list[Callable[[str | None], Iterator]]] = defaultdict(list)
        # Only these hosts are ever fetched (spiders/safety.py enforces it even with dont_filter=True): the
        # configured domains, the mirror, and the hosts of every URL in the provider's configuration (documents,
        # search API) or given with -a urls=. A document's own links are never a reason to allow a host.
        configured = [v for value in self.provider.values() for v in (value if isinstance(value, list) else [value])]
        for url in [*configured, *self.given_urls]:
            host = urlsplit(url).hostname if isinstance(url, str) and url.startswith(("http://", "https://")) else None
            if host and host not in self.allowed_domains:
                self.allowed_domains.append(host)

    # -- URLs ------------------------------------------------------------------------------------------------
    def follow_doc(self, url: str, callback, *, referrer=None, referrer_raw: Any = None, source_id: str | None = None,
                   cb_kwargs: dict | None = None, org_url: str | None = None, **kwargs: Any) -> scrapy.Request:
        """A request for a URL found inside a document; a refused or failed fetch is reported, never fatal."""
        url = safety.absolute(url, referrer)  # a relative link is relative to its document (never scheme-less)
        # allow_offsite: Scrapy's off-site filter would drop an off-site link silently (no errback); the safety
        # middleware applies the same allowed domains and reports the refusal as a quarantine row instead.
        meta = {ORIGIN_META: url, "referrer_url": referrer.url if referrer is not None else None,
                "referrer_raw": referrer_raw, "referrer_id": source_id, "org_url": org_url, "allow_offsite": True}
        if safety.refused_statically(url, self):
            kwargs["dont_filter"] = True  # a second link to a refused URL is refused again (its own quarantine row)
        return scrapy.Request(self.rebase(url), callback=callback, errback=self.follow_failed, meta=meta,
                              cb_kwargs=cb_kwargs or {}, **kwargs)

    def follow_failed(self, failure):
        request = failure.request
        meta = request.meta
        org_url = meta.get("org_url")  # an organisation lookup: the records waiting for it are told instead
        if failure.check(UnsafeAddress):
            exc = failure.value
            origin = meta.get(ORIGIN_META) or request.url
            self.refused[origin] = f"{exc.why}: not fetched"
            self.refused_kind[origin] = exc.kind
            self.crawler.stats.inc_value(f"credcat/{self.name}/refused_links")
            if meta.get("referrer_url") and org_url is None:
                yield self.quarantine_at(meta["referrer_url"], "unsafe_address", f"links to {self.refused[origin]}",
                                         meta.get("referrer_raw"), meta.get("referrer_id"))
        elif failure.check(NotResolved):  # a link in a local document, and -a resolve=1 was not given
            self.crawler.stats.inc_value(f"credcat/{self.name}/unresolved_links")
            if meta.get("referrer_url") and org_url is None:
                yield self.quarantine_at(meta["referrer_url"], "not_resolved", str(failure.value),
                                         meta.get("referrer_raw"), meta.get("referrer_id"))
        else:
            self.logger.warning("could not fetch %s: %s", meta.get(ORIGIN_META) or request.url, failure.value)
            self.crawler.stats.inc_value(f"credcat/{self.name}/failed_links")
        if org_url is not None:
            yield from self.name_known(org_url, None)

    def quarantine_at(self, url: str, reason: str, message: str, raw: Any, source_id: str | None = None):
        class _At:  # quarantine() reads only ``.url`` from the response
            pass

        at = _At()
        at.url = url
        return self.quarantine(at, reason, message, raw, source_id)

    # -- organisation names ----------------------------------------------------------------------------------
    def with_name(self, url: str | None, then: Callable[[str | None], Iterator], *, referrer=None,
                  referrer_raw: Any = None, source_id: str | None = None) -> Iterator:
        """Call ``then(name)`` once the name of the organisation at ``url`` is known (fetched once per URL)."""
        if not url:
            yield from then(None)
            return
        if url in self._names:
            yield from then(self._names[url])
            return
        first = url not in self._waiting
        self._waiting[url].append(then)
        if first:
            yield self.follow_doc(url, self.parse_organisation, referrer=referrer, referrer_raw=referrer_raw,
                                  source_id=source_id, cb_kwargs={"org_url": url}, org_url=url, dont_filter=True)

    def name_known(self, url: str, name: str | None) -> Iterator:
        self._names[url] = name
        for then in self._waiting.pop(url, []):
            yield from then(name)

    def parse_organisation(self, response, org_url: str):
        data, _ = self.load_json(response)
        yield from self.name_known(org_url, self.organisation_name(data, org_url) if data is not None else None)

    def organisation_name(self, document: Any, url: str) -> str | None:  # pragma: no cover - per spider
        raise NotImplementedError

    def remember_name(self, url: str | None, name: str | None) -> None:
        if url and name and url not in self._names:
            self._names[url] = name
