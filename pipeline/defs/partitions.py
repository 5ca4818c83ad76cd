"""One partition per configured provider, so each can be crawled, retried and inspected on its own."""

import dagster as dg

from spiders import config

PROVIDERS = sorted(config.providers())
provider_partitions = dg.StaticPartitionsDefinition(PROVIDERS)
