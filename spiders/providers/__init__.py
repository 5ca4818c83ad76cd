"""One small module per provider spider (Scrapy's SPIDER_MODULES)."""
