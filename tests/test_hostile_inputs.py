"""Hostile inputs: documents written by an attacker never make credcat read a file, fetch a private or
off-site host, crash, hang, or lose the valid records beside them.

The corpus is in ``tests/hostile/`` (README there). ``@@CANARY@@`` in a document is replaced by the
``file://`` URL of a canary file in ``tmp_path`` whose contents are a valid badge, issuer and organisation named
by a random token: had any spider read it, the token would be a published title or organisation, or sit in a
quarantine row or the log. Every test below asserts that the token (and ``/etc/passwd``) appears nowhere.

Two harnesses: :func:`drive` runs a spider's callbacks in process, passing every request through the real
:class:`~spiders.safety.AddressSafetyMiddleware` and then "downloading" it the way Scrapy would (``file://``
read from disk, ``data:`` decoded, http from a dict), so a request the middleware lets through really leaks;
and real ``scrapy crawl`` subprocesses (file imports, and a loopback HTTP server with redirects).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import scrapy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.sitemap import Sitemap
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure
from w3lib.url import parse_data_uri

from pipeline.normalise import frame
from pipeline.snapshot_server import serve_in_thread
from spiders import limits
from spiders import linked_data as ld
from spiders import structured_data as sd
from spiders.items import Listing, Quarantined
from spiders.pipelines import ValidationPipeline
from spiders.providers import ctdl, openbadges
from spiders.safety import AddressSafetyMiddleware
from tests.spider_helpers import run_spider

HOSTILE = Path(__file__).resolve().parent / "hostile"
SPIDERS = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["spiders.providers"]}))
OpenBadgesSpider, CtdlSpider, MsLearnSpider, MoochubSpider, EdxSpider = (
    SPIDERS.load(name) for name in ("openbadges", "ctdl", "mslearn", "moochub", "edx"))
OB2 = "https://w3id.org/openbadges/v2"
OB_DOCS = sorted((HOSTILE / "openbadges").glob("*.json"))
CTDL_DOCS = sorted((HOSTILE / "ctdl").glob("*.json"))
PUBLIC = "http://93.184.215.14"  # a literal public address: allowed without any DNS look-up
PASSWD = Path("/etc/passwd")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the canary -------------------------------------------------------------------------------------------------
@dataclass
class Canary:
    token: str
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()

    @property
    def dir_url(self) -> str:
        return self.path.parent.as_uri() + "/"

    @property
    def data_url(self) -> str:
        """A ``data:`` URL holding a badge named by the token (base64, so the token is not in the link)."""
        badge = {"@context": OB2, "type": "BadgeClass", "id": "https://hostile.example/data",
                 "name": self.token, "issuer": {"type": "Profile", "name": self.token}}
        return "data:application/json;base64," + base64.b64encode(json.dumps(badge).encode()).decode()

    def render(self, path: Path, **extra: str) -> bytes:
        text = path.read_text(encoding="utf-8")
        for key, value in {"@@CANARY@@": self.url, "@@CANARY_DIR@@": self.dir_url, "@@DATA@@": self.data_url,
                           **extra}.items():
            text = text.replace(key, value)
        return text.encode("utf-8")

    def leaks(self, *texts: str) -> list[str]:
        """Every place (of ``texts``) that shows the canary's or /etc/passwd's contents."""
        passwd = [line for line in PASSWD.read_text().splitlines() if line.strip()][:3] if PASSWD.exists() else []
        return [t[:200] for t in texts for needle in [self.token, *passwd] if needle in t]


@pytest.fixture
def canary(tmp_path) -> Canary:
    token = f"CANARY-{uuid.uuid4().hex}"
    path = tmp_path / "secret" / "canary.json"
    path.parent.mkdir()
    document = {"@context": OB2, "type": ["BadgeClass", "Issuer"], "id": "https://hostile.example/c",
                "name": token, "description": token, "issuer": {"type": "Profile", "name": token},
                "ceterms:name": token, "passwd": f"root:x:0:0:{token}:/root:/bin/bash"}
    path.write_text(json.dumps(document))
    return Canary(token, path)


# -- in-process engine --------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    items: list
    fetched: list[str]
    stats: dict
    log: str

    @property
    def listings(self) -> list[Listing]:
        return [i for i in self.items if isinstance(i, Listing)]

    @property
    def quarantined(self) -> list[Quarantined]:
        return [i for i in self.items if isinstance(i, Quarantined)]

    def text(self) -> str:
        rows = [asdict(i) if is_dataclass(i) else dict(i) for i in self.items]
        return json.dumps(rows, ensure_ascii=False, default=str) + json.dumps(self.stats, default=str) + self.log


def download(request: scrapy.Request, web: dict[str, bytes]) -> bytes | None:
    """What Scrapy's download handlers would return: file:// and data: are read, http comes from ``web``."""
    parts = urlsplit(request.url)
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
        return path.read_bytes() if path.is_file() else None
    if parts.scheme == "data":
        return parse_data_uri(request.url).data
    return web.get(request.url)


@contextmanager
def no_network():
    """Fail on any DNS query or connection: every refusal below is decided without the network."""
    calls: list = []
    real = socket.getaddrinfo, socket.create_connection

    def record(*args, **kwargs):
        calls.append(args)
        raise OSError("network use in a hostile-input test")

    socket.getaddrinfo = socket.create_connection = record
    try:
        yield calls
    finally:
        socket.getaddrinfo, socket.create_connection = real


def drive(spider_cls, urls: list[str], web: dict[str, bytes] | None = None, caplog=None, **spider_args) -> Outcome:
    """Run a spider's start requests and callbacks to the end, every request through the safety middleware."""
    web = web or {}
    crawler = get_crawler(spider_cls, settings_dict={"CREDCAT_ALLOW_LOOPBACK": False})
    spider = spider_cls.from_crawler(crawler, urls=",".join(urls), **spider_args)
    crawler.spider = spider
    crawler.stats.open_spider()
    middleware = AddressSafetyMiddleware.from_crawler(crawler)
    pipeline = ValidationPipeline.from_crawler(crawler)

    async def start():
        return [r async for r in spider.start()]

    queue = deque(asyncio.run(start()))
    items, fetched = [], []
    while queue:
        request = queue.popleft()
        try:
            asyncio.run(middleware.process_request(request, spider))
            body = download(request, web)
            if body is None:
                raise IgnoreRequest(f"not found: {request.url}")  # a download error, as Scrapy reports one
        except IgnoreRequest as exc:
            failure = Failure(exc)
            failure.request = request
            out = request.errback(failure) if request.errback else None
        else:
            fetched.append(request.url)
            out = request.callback(TextResponse(request.url, body=body, request=request), **request.cb_kwargs)
        for o in out or ():
            (queue.append(o) if isinstance(o, scrapy.Request) else items.append(pipeline.process_item(o)))
    return Outcome(items, fetched, crawler.stats.get_stats(), caplog.text if caplog is not None else "")


# -- every field a spider follows ---------------------------------------------------------------------------------
OB_EXPECTED = {  # document -> quarantine reasons it must produce (hostile) or None (a control that publishes)
    "control_inline_issuer.json": None,
    **{p.name: {"jsonld_error"} for p in OB_DOCS if p.name.startswith("context_")},
    # read without the link: an unknown http(s) context by its bare terms, an off-site issuer left unnamed
    "context_remote.json": "Hostile ctx-remote",
    "badgeclass_issuer_offsite.json": "Hostile issuer-offsite",
}


@pytest.mark.parametrize("doc", OB_DOCS, ids=lambda p: p.stem)
def test_openbadges_every_followed_field_is_refused_and_nothing_is_read(doc, canary, caplog):
    caplog.set_level(logging.DEBUG)
    url = f"{PUBLIC}/hostile/{doc.name}"  # served over http: its links would be resolved
    with no_network() as calls:
        out = drive(OpenBadgesSpider, [url], {url: canary.render(doc)}, caplog)
    assert calls == []
    assert out.fetched == [url]  # the document itself and nothing else
    assert canary.leaks(out.text()) == []
    expected = OB_EXPECTED.get(doc.name, {"unsafe_address"})
    if expected is None:
        assert len(out.listings) == 1 and not out.quarantined
        assert out.listings[0].organisation == "Control Inline Issuer"
    elif isinstance(expected, str):
        assert [(i.title, i.organisation) for i in out.listings] == [(expected, None)] and not out.quarantined
    else:
        assert out.listings == [], [i.title for i in out.listings]
        assert out.quarantined and {q.reason for q in out.quarantined} == expected, out.quarantined


def test_issuer_badges_list_refuses_every_link_with_its_own_row(canary):
    doc = HOSTILE / "openbadges" / "issuer_badges_list.json"
    url = f"{PUBLIC}/hostile/{doc.name}"
    out = drive(OpenBadgesSpider, [url], {url: canary.render(doc)})
    messages = " ".join(q.message for q in out.quarantined)
    assert len(out.quarantined) == 6
    for why in ("file: scheme", "data: scheme", "ftp: scheme", "private address (10.0.0.5)", "loopback address (::1)",
                "'evil.example', not one of this provider's allowed domains"):
        assert why in messages
    assert out.stats["credcat/unsafe_address/refused"] == 6


def test_relative_issuer_under_hostile_base_is_refused_as_a_file_url(canary):
    doc = HOSTILE / "openbadges" / "badgeclass_issuer_base_file.json"
    url = f"{PUBLIC}/hostile/{doc.name}"
    out = drive(OpenBadgesSpider, [url], {url: canary.render(doc)})
    [row] = out.quarantined
    assert f"{canary.url} uses the file: scheme" in row.message


CTDL_EXPECTED = {  # document -> (listings published, quarantine reasons)
    "owner_canary.json": (1, set()),  # a non-http owner is never fetched: published without an organisation
    "owner_private.json": (0, {"unsafe_address"}),
    "owner_registry.json": (1, set()),  # a file import looks nothing up (no -a resolve=1): no organisation
    "owner_offered_private.json": (0, {"unsafe_address"}),
    "owner_base_file.json": (1, set()),
    "components_conditions.json": (1, set()),
    "has_part_registry.json": (1, {"not_resolved"}),
    # an unshipped context (remote, or an @import of a file) is never fetched or read: the document is read by its
    # bare CTDL terms instead, with a warning (issue 11), so it is published, not lost
    "context_remote.json": (1, set()),
    "context_import.json": (1, set()),
    "control_graph.json": (1, set()),
}


@pytest.mark.parametrize("doc", CTDL_DOCS, ids=lambda p: p.stem)
def test_ctdl_file_import_follows_nothing_and_reads_nothing(doc, canary, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    local = tmp_path / doc.name
    local.write_bytes(canary.render(doc))
    with no_network() as calls:
        out = drive(CtdlSpider, [local.as_uri()], caplog=caplog)
    assert calls == []  # owners, components and conditions: no DNS query, no connection
    assert out.fetched == [local.as_uri()]
    assert canary.leaks(out.text()) == []
    listings, reasons = CTDL_EXPECTED[doc.name]
    assert len(out.listings) == listings
    assert {q.reason for q in out.quarantined} == reasons, out.quarantined
    assert all(r.organisation in (None, "Control Owner", "Hostile Pathway Owner") for r in out.listings)


def test_file_import_resolves_registry_owners_only_when_asked(canary, tmp_path):
    local = tmp_path / "owner_registry.json"
    local.write_bytes(canary.render(HOSTILE / "ctdl" / "owner_registry.json"))
    with no_network() as calls:
        out = drive(CtdlSpider, [local.as_uri()])
    assert calls == [] and out.stats["credcat/unsafe_address/not_resolved"] == 1
    with no_network() as calls:  # asked: the owner is looked up (here DNS fails, so it is refused: fail closed)
        out = drive(CtdlSpider, [local.as_uri()], resolve="1")
    assert calls and calls[0][0] == "credentialengineregistry.org"
    assert out.stats["credcat/unsafe_address/unresolvable"] == 1


def test_only_given_urls_may_be_file_urls(canary, tmp_path):
    given = tmp_path / "control.json"
    given.write_bytes(canary.render(HOSTILE / "openbadges" / "control_inline_issuer.json"))
    out = drive(OpenBadgesSpider, [given.as_uri()])
    assert len(out.listings) == 1  # the user's own export is read
    spider = OpenBadgesSpider.from_crawler(get_crawler(OpenBadgesSpider))
    request = spider.follow_doc(canary.url, spider.parse)  # the same URL found inside a document is refused
    crawler = spider.crawler
    crawler.spider = spider
    with pytest.raises(IgnoreRequest):
        asyncio.run(AddressSafetyMiddleware.from_crawler(crawler).process_request(request, spider))


# -- real crawls: file imports and a loopback server with redirects -----------------------------------------------
class HostileServer(BaseHTTPRequestHandler):
    docs: dict[str, bytes] = {}
    redirects: dict[str, str] = {}

    def do_GET(self):  # noqa: N802
        path = urlsplit(self.path).path
        if path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path in self.docs:
            body = self.docs[path]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@contextmanager
def serve(docs: dict[str, bytes], redirects: dict[str, str]):
    handler = type("Handler", (HostileServer,), {"docs": docs, "redirects": redirects})
    with serve_in_thread(ThreadingHTTPServer(("127.0.0.1", 0), handler), "hostile") as url:
        yield url


def everything(run_dir: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(run_dir.rglob("*")) if p.is_file())


def test_crawl_of_hostile_file_imports_reads_no_other_file_and_makes_no_request(canary, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    urls = []
    for doc in OB_DOCS:
        (docs / doc.name).write_bytes(canary.render(doc))
        urls.append((docs / doc.name).as_uri())
    out = tmp_path / "out"
    run = run_spider("openbadges", out, args={"urls": ",".join(urls)},
                     settings={"CREDCAT_ALLOW_LOOPBACK": "0", "LOG_LEVEL": "DEBUG"})
    assert run.returncode == 0, run.log[-3000:]
    assert canary.leaks(everything(out), run.log) == []
    assert run.stats["downloader/request_count"] == len(urls)  # only the given files: no link, no look-up
    read = {d for d, e in OB_EXPECTED.items() if not isinstance(e, set)}
    assert sorted(r["title"] for r in run.listings) == ["Hostile control", "Hostile ctx-remote", "Hostile issuer-offsite"]
    per_doc = {q["source_url"].rsplit("/", 1)[-1] for q in run.quarantined}
    assert per_doc == {d.name for d in OB_DOCS} - read
    assert run.stats["credcat/unsafe_address/refused"] >= 20


def test_crawl_of_a_ctdl_file_import_makes_no_lookup_of_owners(canary, tmp_path):
    """The measured bug: a file:// CTDL import looked up its owners on the live registry."""
    docs = tmp_path / "docs"
    docs.mkdir()
    urls = []
    for doc in CTDL_DOCS:
        (docs / doc.name).write_bytes(canary.render(doc))
        urls.append((docs / doc.name).as_uri())
    out = tmp_path / "out"
    run = run_spider("ctdl", out, args={"urls": ",".join(urls)}, settings={"CREDCAT_ALLOW_LOOPBACK": "0"})
    assert run.returncode == 0, run.log[-3000:]
    assert canary.leaks(everything(out), run.log) == []
    assert run.stats["downloader/request_count"] == len(urls)  # owners and hasPart on the registry: not requested
    assert run.stats["credcat/unsafe_address/not_resolved"] == 2
    assert len(run.listings) == sum(n for n, _ in CTDL_EXPECTED.values())


def test_crawl_over_http_refuses_redirects_to_files_and_private_hosts(canary, tmp_path):
    redirects = {"/r/file": canary.url, "/r/passwd": "file:///etc/passwd", "/r/data": canary.data_url,
                 "/r/private": "http://10.0.0.5/badge.json", "/r/metadata": "http://169.254.169.254/latest/meta-data/",
                 "/r/offsite": "https://evil.example/badge.json"}
    docs: dict[str, bytes] = {"/issuer.json": json.dumps({"@context": OB2, "type": "Issuer",
                                                          "id": "https://hostile.example/i", "name": "Loopback Issuer"}).encode()}
    with serve(docs, redirects) as base:
        for path in redirects:
            doc = {"@context": OB2, "type": "Assertion", "id": f"{base}/a{path}", "badge": base + path}
            docs[f"/assertion{path.replace('/', '-')}.json"] = json.dumps(doc).encode()
        control = {"@context": OB2, "type": "BadgeClass", "id": f"{base}/control.json",
                   "name": "Loopback control", "issuer": f"{base}/issuer.json"}
        docs["/control.json"] = json.dumps(control).encode()
        for doc in OB_DOCS:  # the whole corpus over http too (links resolved, so every refusal is the middleware's)
            docs[f"/corpus/{doc.name}"] = canary.render(doc)
        urls = [base + p for p in docs if p != "/issuer.json"]
        out = tmp_path / "out"
        run = run_spider("openbadges", out, args={"urls": ",".join(urls)}, settings={"LOG_LEVEL": "DEBUG"})
    assert run.returncode == 0, run.log[-3000:]
    assert canary.leaks(everything(out), run.log) == []
    by_doc = {}
    for q in run.quarantined:
        by_doc.setdefault(q["source_url"].rsplit("/", 1)[-1], set()).add(q["reason"])
    for path in redirects:  # every redirect target refused, each with a quarantine row for its assertion
        assert by_doc[f"assertion{path.replace('/', '-')}.json"] == {"unsafe_address"}, path
    listings = {r["title"]: r for r in run.listings}
    assert listings["Loopback control"]["organisation"] == "Loopback Issuer"  # a safe link is still followed
    # The loopback issuer is the one route the test allowance (CREDCAT_ALLOW_LOOPBACK, on for this loopback
    # server) lets through: nothing listens on port 9, so the badge publishes without an organisation.
    assert set(listings) == {"Loopback control", "Hostile control", "Hostile issuer-loopback", "Hostile ctx-remote",
                             "Hostile issuer-offsite"}
    assert listings["Hostile issuer-loopback"]["organisation"] is None
    assert run.stats["credcat/unsafe_address/refused"] >= 25


def test_connect_time_resolver_guards_every_spider(tmp_path):
    """DNS rebinding: the address connected to is checked too, for every spider (here mslearn, no middleware).
    ``localhost`` answers 127.0.0.1: fetched with the loopback allowance, refused without it."""
    from pipeline.snapshot_server import serve_snapshot

    snapshot = Path(__file__).resolve().parents[1] / "spiders" / "snapshots" / "mslearn"
    with serve_snapshot(snapshot) as base:
        named = base.replace("127.0.0.1", "localhost")
        allowed = run_spider("mslearn", tmp_path / "allowed", base_url=named, settings={"RETRY_ENABLED": "0"})
        refused = run_spider("mslearn", tmp_path / "refused", base_url=named,
                             settings={"RETRY_ENABLED": "0", "CREDCAT_ALLOW_LOOPBACK": "0"})
    assert len(allowed.listings) > 50
    assert refused.listings == [] and "DNS lookup failed" in refused.log
    assert refused.stats.get("downloader/response_count", 0) == 0


# -- bounds: depth, size, count, encoding -------------------------------------------------------------------------
def deep(n: int) -> bytes:
    return b'{"a":' * n + b"1" + b"}" * n


HUGE_STRING = b'{"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "name": "' + b"x" * (50 * 1024 * 1024) + b'"}'
BIG_GRAPH = json.dumps({"@context": OB2, "@graph": [
    {"type": "BadgeClass", "id": f"https://hostile.example/b{i}", "name": f"n{i}"} for i in range(100_000)]}).encode()
BOUNDED = {
    "nested_100k_objects": (deep(100_000), "too_deep"),
    "nested_100k_lists": (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    "nested_65": (deep(65), "too_deep"),
    "string_50mb": (HUGE_STRING, "too_large"),
    "graph_100k_nodes": (BIG_GRAPH, "too_large"),
    "invalid_utf8_outside_strings": (b'{"name": "x", \xff "n": 1}', "invalid_encoding"),
    "truncated": (b'{"name": "cut', "invalid_json"),
    "trailing_garbage": (b'{"name": "x"} {"name": "y"}', "invalid_json"),
    "empty": (b"", "invalid_json"),
    "bom_only": (b"\xef\xbb\xbf", "invalid_json"),
    "nan": (b'{"name": NaN', "invalid_json"),
    "huge_integer": (b'{"n": ' + b"9" * 5000 + b"}", "invalid_json"),
    "html_instead": (b"<html><body>Not JSON</body></html>", "invalid_json"),
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_bounded_loader_refuses_with_a_reason(name):
    body, reason = BOUNDED[name]
    with pytest.raises(limits.Refused) as refused:
        limits.load_json(body)
    assert refused.value.reason == reason


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_every_json_spider_quarantines_bounded_documents(name):
    """The openbadges, ctdl, mslearn and MOOChub loaders all end in one quarantine row, never an exception."""
    body, reason = BOUNDED[name]
    if name == "graph_100k_nodes":
        reason_api = None  # a provider's own API page may be that big: within the API bounds
    else:
        reason_api = reason
    request = scrapy.Request(f"{PUBLIC}/doc.json")
    response = TextResponse(request.url, body=body, request=request)
    for spider_cls in (OpenBadgesSpider, CtdlSpider):
        spider = spider_cls.from_crawler(get_crawler(spider_cls))
        [row] = list(spider.parse(response))
        assert isinstance(row, Quarantined) and row.reason == reason
        assert len(row.raw) <= 100_000 and "\ufffd" not in row.raw
    api = MsLearnSpider.from_crawler(get_crawler(MsLearnSpider))
    data, bad = api.load_json(response)
    assert (bad.reason if bad else None) == reason_api
    mooc = MoochubSpider.from_crawler(get_crawler(MoochubSpider))
    rows = [o for o in mooc.parse(response) if isinstance(o, Quarantined)]
    if reason_api:
        assert rows and rows[0].reason == reason_api


BAD_BYTES = {  # one record's title carries bytes that are not UTF-8; the record beside it is valid
    "invalid_byte": b"Caf\xe9 Basics",
    "overlong": b"Slash \xc0\xaf",
    "encoded_surrogate": b"Half \xed\xa0\x80",
    "lone_surrogate_escape": b"Escape \\ud800",
    "truncated_sequence": b"Cut \xe2\x82",
}


@pytest.mark.parametrize("name", sorted(BAD_BYTES))
@pytest.mark.parametrize("provider", ["openbadges", "ctdl"])
def test_invalid_utf8_quarantines_only_its_record_never_a_replacement_character(name, provider):
    if provider == "openbadges":
        template = b'[{"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": "https://h.example/%s", ' \
                   b'"name": "%s", "issuer": {"type": "Profile", "name": "Org"}}, ' \
                   b'{"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": "https://h.example/%s", ' \
                   b'"name": "%s", "issuer": {"type": "Profile", "name": "Org"}}]'
        spider_cls = OpenBadgesSpider
    else:
        template = b'{"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [' + b", ".join(
            b'{"@id": "https://credentialengineregistry.org/resources/ce-0a1b2c3d-0000-4000-8000-00000000000%s", '
            b'"@type": "ceterms:Certificate", "ceterms:ctid": "ce-0a1b2c3d-0000-4000-8000-00000000000%s", '
            b'"ceterms:name": {"en": "%s"}, "ceterms:ownedBy": ["_:o"]}' for _ in range(2)) + b"]}"
        template = template.replace(b"00000000000%s", b"0000000000%s")
        spider_cls = CtdlSpider
    if provider == "openbadges":
        body = template % (b"bad", BAD_BYTES[name], b"good", b"Good Title")
    else:
        body = template % (b"01", b"01", BAD_BYTES[name], b"02", b"02", b"Good Title")
    url = f"{PUBLIC}/page.json"
    out = drive(spider_cls, [url], {url: body})
    assert [r.title for r in out.listings] == ["Good Title"]  # the valid record beside it is kept
    [row] = out.quarantined
    assert row.reason == "invalid_encoding"
    assert "\\x" in row.raw or "\\ud800" in row.raw  # the evidence, escaped
    assert "\ufffd" not in out.text()
    out.text().encode("utf-8")  # nothing a feed could not write


def test_feeds_of_a_crawl_with_invalid_utf8_are_valid_utf8(tmp_path):
    doc = tmp_path / "mixed.json"
    doc.write_bytes(b'[{"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": "https://h.example/b", '
                    b'"name": "Caf\xe9 \\udfff", "issuer": {"type": "Profile", "name": "Org"}}, '
                    b'{"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": "https://h.example/g", '
                    b'"name": "Good Title", "issuer": {"type": "Profile", "name": "Org"}}]')
    out = tmp_path / "out"
    run = run_spider("openbadges", out, args={"urls": doc.as_uri()})
    assert run.returncode == 0, run.log[-2000:]
    assert [r["title"] for r in run.listings] == ["Good Title"]
    assert [q["reason"] for q in run.quarantined] == ["invalid_encoding"]
    for feed in ("listings.jsonl", "quarantine.jsonl"):
        text = (out / feed).read_bytes().decode("utf-8")  # strict: the feeds are valid UTF-8
        assert "\ufffd" not in text


def test_jsonld_blocks_in_pages_are_bounded():
    page = f'<html><script type="application/ld+json">{deep(100_000).decode()}</script>' \
           f'<script type="application/ld+json">{{"@type": "Course", "name": "Kept"}}</script></html>'
    blocks = sd.extract_blocks(page)
    assert [b.reason for b in blocks if b.error] == ["too_deep"]
    assert [o["name"] for b in blocks for o in b.objects] == ["Kept"]  # the valid block beside it survives


def test_every_shipped_and_shared_document_is_within_the_bounds():
    """Zero valid records lost: every real document we have passes the bounded, strict loader."""
    paths = [p for p in (Path(__file__).resolve().parents[1] / "spiders" / "snapshots").rglob("*")
             if p.is_file() and p.suffix in (".json", ".jsonld", "") and p.read_bytes()[:1] in (b"{", b"[")]
    shared = Path("/work/shared/data")
    if shared.is_dir():
        paths += [p for p in shared.rglob("*.json")]
    assert len(paths) > 40
    for path in paths:
        limits.load_json(path.read_bytes(), **(limits.API if path.stat().st_size > limits.MAX_BYTES else {}))


# -- XML entity expansion in sitemaps and RSS ---------------------------------------------------------------------
def test_lxml_never_expands_entities(canary):
    """What Scrapy's Sitemap parser (lxml, resolve_entities=False) does alone: nothing expanded, nothing read,
    but the billion-laughs amplification ends the parse early, silently dropping the entries after it."""
    for name in ("sitemap_billion_laughs.xml", "sitemap_xxe.xml"):
        locs = [u["loc"] for u in Sitemap(canary.render(HOSTILE / "xml" / name))]
        assert all(len(loc) < 200 and "lollol" not in loc for loc in locs)
        assert canary.leaks(json.dumps(locs)) == []


@pytest.mark.parametrize("name", ["sitemap_billion_laughs.xml", "sitemap_xxe.xml"])
def test_sitemaps_declaring_entities_are_quarantined(canary, name):
    spider = EdxSpider.from_crawler(get_crawler(EdxSpider))
    response = XmlResponse("https://www.edx.org/sitemap.xml", body=canary.render(HOSTILE / "xml" / name))
    [row] = list(spider._parse_sitemap(response))
    assert isinstance(row, Quarantined) and row.reason == "xml_entities"
    assert canary.leaks(json.dumps(asdict(row))) == [] and "lollol" not in row.raw


def test_sitemap_index_entries_that_are_not_http_are_refused(canary):
    spider = EdxSpider.from_crawler(get_crawler(EdxSpider))
    response = XmlResponse("https://www.edx.org/sitemap.xml",
                           body=canary.render(HOSTILE / "xml" / "sitemap_index_file_locs.xml"))
    out = list(spider._parse_sitemap(response))
    assert [r.url for r in out if isinstance(r, scrapy.Request)] == ["https://www.edx.org/sitemap-1.xml"]
    assert [q.reason for q in out if isinstance(q, Quarantined)] == ["unsafe_address"] * 3


def test_rss_declaring_entities_is_quarantined(canary):
    spider = EdxSpider.from_crawler(get_crawler(EdxSpider))
    response = XmlResponse("https://www.edx.org/api/v2/report/course-feed/rss",
                           body=canary.render(HOSTILE / "xml" / "rss_billion_laughs.xml"))
    [row] = list(spider.parse_rss(response, page=1, follow=False))
    assert isinstance(row, Quarantined) and row.reason == "xml_entities"
    assert canary.leaks(json.dumps(asdict(row))) == [] and "lollol" not in row.raw


def test_rss_parser_alone_never_expands_entities(canary):
    """parsel's XML parser (resolve_entities=False), as edx uses it, on the same feed."""
    from parsel import Selector

    sel = Selector(text=canary.render(HOSTILE / "xml" / "rss_billion_laughs.xml").decode(), type="xml")
    text = " ".join(sel.xpath("//text()").getall())
    assert "lollol" not in text and canary.leaks(text) == []


# -- fuzzing every parser -----------------------------------------------------------------------------------------
KEYWORDS = ["@context", "@id", "@type", "@graph", "@base", "@vocab", "@import", "@value", "@language", "@list",
            "@set", "@reverse", "@included", "@nest", "@protected", "@version", "type", "id", "name", "issuer",
            "badge", "badges", "achievement", "creator", "credentialSubject", "ceterms:ownedBy", "ceterms:name",
            "ceterms:ctid", "ceterms:hasPart", "@direction", "@json", "@none"]
URLS = ["file:///etc/passwd", "data:,x", "ftp://h.example/x", "http://10.0.0.5/x", "https://evil.example/ctx",
        "https://w3id.org/openbadges/v2", "https://credreg.net/ctdl/schema/context/json", "issuer.json", "_:b0",
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.sampled_from(URLS),
                    st.sampled_from(KEYWORDS), st.text(max_size=20))
KEYS = st.one_of(st.sampled_from(KEYWORDS), st.text(max_size=8))


def _nested(inner):
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5))


JSONLD = st.recursive(SCALARS, _nested, max_leaves=30)


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_loader_on_bytes_only_refuses(body):
    try:
        limits.load_json(body)
    except limits.Refused as exc:
        assert exc.reason in ("invalid_json", "invalid_encoding", "too_deep", "too_large")


@FUZZ
@given(JSONLD)
def test_fuzz_loader_round_trips_valid_json(value):
    assert limits.load_json(json.dumps(value).encode()) == json.loads(json.dumps(value))


@FUZZ
@given(st.one_of(st.text(max_size=400), JSONLD.map(json.dumps)))
def test_fuzz_jsonld_block_extraction_never_raises(text):
    block = sd.parse_block(text)
    assert block.error or block.objects is not None
    page = sd.extract_blocks(f'<script type="application/ld+json">{text}</script>')
    assert len(page) <= 1


def test_pyld_default_loader_is_the_offline_one(canary):
    """Even a pyld call without credcat's options loads nothing: the offline loader is pyld's default."""
    from pyld import jsonld

    for context in (canary.url, "https://evil.example/context.jsonld"):
        with no_network() as calls, pytest.raises(jsonld.JsonLdError) as error:
            jsonld.expand({"@context": context, "name": "x"})
        assert calls == [] and canary.token not in str(error.value)


@FUZZ
@given(JSONLD)
def test_fuzz_jsonld_processing_never_loads_anything(value):
    with no_network() as calls:
        for run in (lambda: ld.expand(value, base="https://h.example/"),
                    lambda: openbadges.normalise(value, "https://h.example/") if isinstance(value, dict) else None,
                    lambda: ctdl.expand_document(value, "https://h.example/")):
            try:
                run()
            except (ld.UnknownContext, ld.LinkedDataError):
                pass
    assert calls == []


@FUZZ
@given(JSONLD)
def test_fuzz_document_spiders_end_in_items_or_safe_requests(value):
    body = json.dumps(value).encode()
    with no_network() as calls:
        for spider_cls in (OpenBadgesSpider, CtdlSpider):
            url = f"{PUBLIC}/fuzz.json"
            out = drive(spider_cls, [url], {url: body})
            assert all(isinstance(i, (Listing, Quarantined)) for i in out.items)
            assert out.fetched == [url]  # every link the fuzzer wrote was refused (only literal public hosts pass)
    assert calls == []


HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.builds(lambda s, n: s * n, st.sampled_from(["9", "1,", "1.", "- ", "(", "per ", "€", "PT", "hours ", "١"]),
              st.integers(1, 20_000)),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Zs", "Cc", "Cf", "Sc"]), max_size=100),
)


@FUZZ
@given(st.sampled_from(sorted(frame.KINDS)), HOSTILE_TEXT)
def test_fuzz_every_normalise_parser_never_raises(kind, text):
    parser = frame.KINDS[kind]
    args = (text, text) if parser.inputs == 2 else (text,)
    parser.parse(*args)
