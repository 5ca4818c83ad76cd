"""One partition per crawled provider, so each can be crawled, retried and inspected on its own."""

import dagster as dg

from spiders import config

PROVIDERS = config.crawled()
# Every provider with a feed: the crawled ones and the import-only ones (`credcat import FILE --as NAME`).
FEED_PROVIDERS = sorted(config.providers())
provider_partitions = dg.StaticPartitionsDefinition(PROVIDERS)
