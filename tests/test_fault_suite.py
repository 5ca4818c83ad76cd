"""Fault suite: real crawls through Scrapy's full stack against a loopback server that misbehaves.

Every case ends in one of two ways, asserted: SURVIVED (the crawl succeeded and nothing was lost: the same
listings as the clean crawl) or FAILED (the crawl failed with a reason naming the fault, LATEST still names
the last good feed, and the provider is marked stale since the failure). Settings are small (1 s download
timeout, one retry, 2 MiB size limit) so the suite stays fast.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline import crawl as crawler
from spiders import config
from tests.faulty_server import Fault, serve_faulty

FAST = {
    "RETRY_TIMES": "1", "RETRY_BACKOFF_BASE": "0.05", "RETRY_BACKOFF_MAX": "0.2", "RETRY_AFTER_MAX": "5",
    "DOWNLOAD_TIMEOUT": "4", "DOWNLOAD_MAXSIZE": str(2 * 1024 * 1024), "DOWNLOAD_WARNSIZE": str(1024 * 1024),
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "REDIRECT_MAX_TIMES": "3", "CREDCAT_ALLOW_LOOPBACK": "1", "LOG_LEVEL": "INFO",
}
SURVIVED, FAILED = "survived", "failed"
# Microsoft Learn answers through the Learn Platform API v1 by default: one path per listing type
MODULES = "/api/v1/modules"
PAGE = "/courses/first-aid-at-work"

# (case id, provider, faults, expected outcome, a fragment the failure reason must contain)
CASES = [
    ("500 on one Microsoft Learn type", "mslearn", [Fault("status", MODULES, status=500)], FAILED, "modules: HTTP 500"),
    ("503 on one type", "mslearn", [Fault("status", "/api/v1/exams", status=503)], FAILED, "exams: HTTP 503"),
    ("404 on one type", "mslearn", [Fault("status", "/api/v1/learning-paths", status=404)], FAILED, "learningPaths: HTTP 404"),
    ("500 once, then fine (retried)", "mslearn", [Fault("status", MODULES, times=1)], SURVIVED, None),
    ("429 with a short Retry-After", "mslearn", [Fault("status", MODULES, times=1, status=429, value="0.2")], SURVIVED, None),
    ("429 with an absurd Retry-After", "mslearn", [Fault("status", MODULES, status=429, value="86400")], FAILED, "modules: HTTP 429"),
    ("stall past the download timeout", "mslearn", [Fault("stall", "/api/v1/courses", value="12")], FAILED, "courses: download error: DownloadTimeoutError"),
    ("trickle past the download timeout", "mslearn", [Fault("trickle", "/api/v1/courses")], FAILED, "courses: download error"),
    ("truncated body (short of Content-Length)", "mslearn", [Fault("truncate", "/api/v1/certifications")], FAILED, "certifications: download error"),
    ("body cut off mid-document", "mslearn", [Fault("cut", "/api/v1/certifications")], FAILED, "certifications: unreadable response"),
    ("empty 200", "mslearn", [Fault("empty", "/api/v1/applied-skills")], FAILED, "appliedSkills: empty response"),
    ("gzip bomb", "mslearn", [Fault("gzip_bomb", "/api/v1/exams")], FAILED, "exams: refused: Ignored response"),
    ("oversized body (Content-Length)", "mslearn", [Fault("oversize", "/api/v1/exams")], FAILED, "exams: download error"),
    ("oversized body (streamed)", "mslearn", [Fault("oversize_stream", "/api/v1/exams")], FAILED, "exams: download error"),
    ("redirect back to itself", "mslearn", [Fault("redirect_self", MODULES)], FAILED, "modules: redirect loop"),
    ("endless redirect chain", "mslearn", [Fault("redirect_chain", MODULES)], FAILED, "modules: refused: max redirections"),
    ("redirect off-host", "mslearn", [Fault("redirect_offhost", MODULES)], FAILED, "modules: refused"),
    ("robots.txt 500", "mslearn", [Fault("robots", "/robots.txt", status=500, value="oops")], FAILED, "robots.txt unreachable: HTTP 500"),
    ("robots.txt 404 (no rules: allowed)", "mslearn", [Fault("robots", "/robots.txt", status=404, value="")], SURVIVED, None),
    ("robots.txt disallows everything", "mslearn", [Fault("robots", "/robots.txt", status=200, value="User-agent: *\nDisallow: /\n")],
     FAILED, "modules: refused: Forbidden by robots.txt"),
    ("500 on one course page", "example-university", [Fault("status", PAGE, status=500)], FAILED, "page: HTTP 500"),
    ("sitemap 503", "example-university", [Fault("status", "/sitemap.xml", status=503)], FAILED, "HTTP 503"),
]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, tuple[Path, set[str]]]:
    """One clean crawl per provider through the faulty server with no faults: the last good feeds."""
    data = tmp_path_factory.mktemp("good")
    out = {}
    for provider in ("mslearn", "example-university"):
        with serve_faulty(config.snapshot_dir(provider), []) as url:
            result = crawler.crawl(provider, base_url=url, extra_settings=FAST, data_dir=data)
        assert result.succeeded, result.failure_reason
        out[provider] = (data, uids(result.listings_path))
    return out


def uids(path: Path) -> set[str]:
    return {json.loads(line)["uid"] for line in path.read_text().splitlines() if line.strip()}


def with_last_good(good, provider: str, tmp_path: Path) -> tuple[Path, str]:
    """A data folder holding the provider's last good feed (LATEST, status.json); returns it and the run."""
    data, _ = good[provider]
    shutil.copytree(data / "raw" / provider, tmp_path / "raw" / provider)
    return tmp_path, crawler.latest_run(provider, tmp_path).name


@pytest.fixture(scope="module")
def outcomes(good, tmp_path_factory) -> dict[str, tuple]:
    """Every case crawled once, four at a time (each crawl is its own Scrapy process and loopback server)."""
    def run(case):
        name, provider, faults, _, _ = case
        data, old_run = with_last_good(good, provider, tmp_path_factory.mktemp("fault"))
        with serve_faulty(config.snapshot_dir(provider), faults) as url:
            result = crawler.crawl(provider, base_url=url, extra_settings=FAST, data_dir=data)
        return name, (result, crawler.provider_status(provider, data), data, old_run)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, CASES))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_fault(case, good, outcomes):
    name, provider, faults, expected, fragment = case
    result, status, data, old_run = outcomes[name]
    if expected == SURVIVED:
        assert result.succeeded, result.failure_reason
        assert uids(result.listings_path) == good[provider][1], "a survived fault must lose nothing"
        assert crawler.latest_run(provider, data) == result.run_dir
        assert status["crawl"] == "ok" and not status["stale"]
    else:
        assert not result.succeeded
        assert fragment in result.failure_reason, result.failure_reason
        assert result.stats.get("finish_reason") == "finished" or result.error, "Scrapy itself calls it finished"
        assert crawler.latest_run(provider, data).name == old_run, "the last good feed stays in use"
        assert uids(crawler.latest_run(provider, data) / "listings.jsonl") == good[provider][1]
        assert status["crawl"] == "failed" and status["stale"] and status["stale_since"]
        assert status["listings"] == len(good[provider][1]) and fragment in status["last_failure_reason"]


def test_robots_txt_binds_every_request_that_starts_while_it_is_fetched(outcomes):
    """The six Learn Platform API requests start together, before robots.txt has arrived: none may slip through
    (Scrapy 2.19 let four of them pass; spiders.middlewares.RobotsTxtMiddleware)."""
    result = outcomes["robots.txt disallows everything"][0]
    assert result.listings == 0 and result.stats["robotstxt/forbidden"] == 6
    assert result.stats["response_received_count"] == 1  # robots.txt alone


def test_a_page_that_is_gone_is_dropped_not_failed(good, tmp_path):
    """A 404 on one listing page is the source removing it: the crawl succeeds without that listing."""
    data, _ = with_last_good(good, "example-university", tmp_path)
    with serve_faulty(config.snapshot_dir("example-university"), [Fault("status", PAGE, status=404)]) as url:
        result = crawler.crawl("example-university", base_url=url, extra_settings=FAST, data_dir=data)
    assert result.succeeded, result.failure_reason
    assert result.stats["credcat/family/page/tolerated"] == 1
    assert uids(result.listings_path) == {u for u in good["example-university"][1] if "first-aid-at-work" not in u}


def test_invalid_utf8_never_publishes_replacement_characters(good, tmp_path):
    """Invalid UTF-8 in one type's answer: the crawl fails or quarantines what it cannot decode; no U+FFFD
    reaches a feed that may be published."""
    data, _ = with_last_good(good, "mslearn", tmp_path)
    with serve_faulty(config.snapshot_dir("mslearn"), [Fault("bad_utf8", MODULES)]) as url:
        result = crawler.crawl("mslearn", base_url=url, extra_settings=FAST, data_dir=data)
    feed = crawler.latest_run("mslearn", data) / "listings.jsonl"
    assert "\ufffd" not in feed.read_text(encoding="utf-8")
    assert not result.succeeded or result.quarantined


def test_a_crawl_past_its_own_timeout_is_killed_and_failed(good, tmp_path):
    data, old_run = with_last_good(good, "mslearn", tmp_path)
    slow = {**FAST, "DOWNLOAD_TIMEOUT": "60"}
    with serve_faulty(config.snapshot_dir("mslearn"), [Fault("stall", MODULES, value="30")]) as url:
        result = crawler.crawl("mslearn", base_url=url, extra_settings=slow, data_dir=data, timeout=4)
    assert not result.succeeded and result.failure_reason.startswith("timeout: crawl still running after 4s")
    assert crawler.latest_run("mslearn", data).name == old_run


def test_a_missing_snapshot_is_a_failed_crawl_not_an_exception(good, tmp_path, monkeypatch):
    data, old_run = with_last_good(good, "mslearn", tmp_path)
    monkeypatch.setattr(config, "snapshot_dir", lambda name: tmp_path / "no-such-snapshot")
    result = crawler.crawl("mslearn", offline=True, data_dir=data)
    assert not result.succeeded and result.failure_reason.startswith("missing: snapshot folder not found")
    assert crawler.latest_run("mslearn", data).name == old_run


def test_losses_cannot_compound_a_collapsed_type_fails_against_the_last_good_crawl(good, tmp_path, monkeypatch):
    """A crawl that is complete but lost most of one listing type (the source stopped listing them) fails
    against the last good per-type count; a second such crawl is still compared with that good count."""
    data, old_run = with_last_good(good, "mslearn", tmp_path)
    types = "modules,learningPaths,appliedSkills,certifications,courses"  # the exams are gone
    for _ in range(2):
        with serve_faulty(config.snapshot_dir("mslearn"), []) as url:
            result = crawler.crawl("mslearn", base_url=url, extra_settings=FAST, data_dir=data,
                                   spider_args={"types": types})
        assert not result.succeeded and "collapsed" in result.failure_reason, result.failure_reason
        assert "assessment" in result.collapsed
        assert crawler.latest_run("mslearn", data).name == old_run
    # an operator who checked that the exams really are gone accepts the drop for one run
    monkeypatch.setenv("CREDCAT_ACCEPT_DROP", "mslearn")
    with serve_faulty(config.snapshot_dir("mslearn"), []) as url:
        result = crawler.crawl("mslearn", base_url=url, extra_settings=FAST, data_dir=data, spider_args={"types": types})
    assert result.succeeded and crawler.latest_run("mslearn", data) == result.run_dir
