"""newscrawl: a Scrapy crawler and cleaner for news pages."""

__version__ = "0.1.0"
