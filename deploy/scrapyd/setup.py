"""The egg scrapyd-deploy builds of credcat's spiders: the `spiders` package with its JSON-LD contexts (the
offline snapshots stay behind) and the `scrapy` entry point naming the settings module. `deploy.sh` puts this
file beside a copy of `spiders/` and `scrapy.cfg`, where scrapyd-deploy expects it."""

from setuptools import setup

setup(
    name="credcat-spiders",
    version="0.1",
    packages=["spiders", "spiders.providers"],
    package_data={"spiders": ["providers.toml", "contexts/**/*"]},
    entry_points={"scrapy": ["settings = spiders.settings"]},
    zip_safe=False,  # providers.toml and the contexts are read as files
)
