"""``scrapy crawl``, whose ``--help`` also lists the ``news`` spider's ``-a`` arguments.

Scrapy's own help describes only the command's options; a user looking
for how to point newscrawl at an outlet would not find the spider's
arguments there. This is Scrapy's command, unchanged but for that text.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

NEWS_ARGUMENTS = """\
The news spider (scrapy crawl news -a NAME=VALUE ...; give at least one source):
  -a url=URL[,URL...]      start pages: robots.txt sitemaps, feeds they link, links within their sites
  -a sitemap=URL[,...]     sitemaps or sitemap indexes (Google News sitemaps too, gzipped or not)
  -a feed=URL[,...]        RSS or Atom feeds
  -a urls_file=PATH        article URLs, one a line (# comments; bad lines are skipped and counted)
  -a sources=FILE.toml     outlets with their pages, feeds, sitemaps, patterns, selectors, politeness
  -a since=WHEN            only what sitemaps/feeds date at or after WHEN (2025-01-01, 24h, 7d), before fetching
  -a until=WHEN            only what they date before WHEN
  -a recrawl_after=AGE     fetch stored articles again once last seen this long ago (e.g. 7d)
  -a recrawl_changed=yes   fetch stored articles again when lastmod, ETag or Last-Modified changed
Output: -o FILE.jsonl appends, -O FILE.jsonl overwrites. Settings: newscrawl/settings.py; README.md."""


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl`` command with the news spider's arguments in ``--help``."""

    def long_desc(self) -> str:
        return f"{super().long_desc()}.\n\n{NEWS_ARGUMENTS}"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        """Scrapy's options; the description keeps its line breaks (a table of arguments, not prose)."""
        super().add_options(parser)
        base = parser.formatter_class
        parser.formatter_class = type("KeepDescriptionLines", (argparse.RawDescriptionHelpFormatter, base), {})
