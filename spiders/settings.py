"""Scrapy settings for every credcat spider.

Politeness is set explicitly rather than left to library defaults (robots.txt and AutoThrottle are off in
Scrapy's defaults): we identify ourselves with a contact URL, obey robots.txt, throttle per domain, retry with
backoff, cap response sizes and never keep cookies.
"""

import os

BOT_NAME = "credcat"
SPIDER_MODULES = ["spiders.providers"]
NEWSPIDER_MODULE = "spiders.providers"

CONTACT_URL = os.environ.get("CREDCAT_CONTACT_URL", "https://github.com/credcat/credcat")
USER_AGENT = f"credcat/0.1 (+{CONTACT_URL}; micro-credential catalogue crawler)"

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Per-domain politeness: at most two requests in flight per domain, AutoThrottle adapting the delay to the
# server's latency, and a floor delay between requests.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Retries back off exponentially (base * 2^(attempt-1), capped) and honour a 429/503 Retry-After header
# (seconds or HTTP date). A server asking for more than RETRY_AFTER_MAX seconds is not retried sooner: the
# request is given up and recorded (spiders/middlewares.py).
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0
RETRY_AFTER_MAX = 600.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    # robots.txt also for the requests that start while it is being fetched (spiders/middlewares.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RobotsTxtMiddleware": 100,
}
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

ITEM_PIPELINES = {"spiders.pipelines.ValidationPipeline": 100}

# Address safety (spiders/safety.py): spiders that follow URLs found inside third-party documents (openbadges,
# ctdl) fetch only http(s) on their allowed domains and never private, loopback, link-local, multicast or reserved
# addresses. Runs before Scrapy's off-site filter (50, which dont_filter=True skips) and the robots.txt middleware
# (100), so not even a robots.txt is requested from such a host. CREDCAT_ALLOW_LOOPBACK lets
# loopback only through: the offline snapshot crawls and the tests set it; never set it for a live crawl.
DOWNLOADER_MIDDLEWARES["spiders.safety.AddressSafetyMiddleware"] = 40
CREDCAT_ALLOW_LOOPBACK = False
# The address actually connected to is checked too (DNS rebinding): every spider, every request.
TWISTED_DNS_RESOLVER = "spiders.safety.PublicOnlyResolver"
EXTENSIONS = {"spiders.extensions.StatsFile": 500}
# Crawl completeness (spiders/extensions.py): counts, per request family, what finally failed, so a crawl
# that lost a whole listing type is never taken for a good one.
SPIDER_MIDDLEWARES = {"spiders.extensions.CrawlCompleteness": 50}

FEED_EXPORT_ENCODING = "utf-8"
# The crawl runner passes FEEDS on the command line: one JSON Lines feed of listings and one of
# quarantined records, split by item class. Run by hand: `scrapy crawl mslearn -O listings.jsonl`.

# Incremental crawls (spiders/cache.py): responses are stored and revalidated with conditional requests, so an
# unchanged page costs a 304. The crawl runner (pipeline/crawl.py) enables it with a cache folder per provider
# under the data folder; a plain `scrapy crawl` runs without it unless given `-s HTTPCACHE_ENABLED=1`.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_POLICY = "spiders.cache.RevalidatingPolicy"
HTTPCACHE_GZIP = True
DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware"] = None
DOWNLOADER_MIDDLEWARES["spiders.cache.ConditionalCacheMiddleware"] = 900
REQUEST_FINGERPRINTER_CLASS = "spiders.cache.LiveUrlFingerprinter"

LOG_LEVEL = os.environ.get("CREDCAT_LOG_LEVEL", "INFO")
