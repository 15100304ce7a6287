"""``scrapy crawl``, whose ``--help`` also lists the ``news`` spider's ``-a`` arguments.

Scrapy's own help describes only the command's options; a user looking
for how to point newscrawl at an outlet would not find the spider's
arguments there. This is Scrapy's command but for that text, and for
one more thing: when the crawl will extract in a pool of workers, their
template process is started first (:func:`newscrawl.pool.start_template_early`),
so that it warms up while the crawl process starts.
"""

from __future__ import annotations

import argparse
import importlib.util

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import BaseSettings

_EXTRACT_PIPELINE = "newscrawl.pipelines.extract.ExtractPipeline"
_ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

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

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        """Scrapy's crawl, the extraction template started first when the crawl will use it."""
        if len(args) == 1 and self.settings is not None:
            function = pool_function(self.settings)
            if function is not None:
                from newscrawl.pool import start_template_early  # noqa: PLC0415

                start_template_early(function)
        super().run(args, opts)


def pool_function(settings: BaseSettings) -> str | None:
    """The extract function a crawl with ``settings`` runs in a pool of workers; None when it runs none.

    A setting that makes no sense gives None here: the crawl reports it
    itself, as it would without this.
    """
    from newscrawl.pool import function_path, pool_options  # noqa: PLC0415 - light: not the pipelines (state, extraction)

    pipelines = settings.getwithbase("ITEM_PIPELINES")
    if pipelines.get(_EXTRACT_PIPELINE) is None or settings.get("TWISTED_REACTOR") != _ASYNCIO_REACTOR:
        return None
    try:
        options = pool_options(settings)
        found = importlib.util.find_spec(function_path(options.function)[0]) is not None  # found, not imported
    except (TypeError, ValueError, ImportError):
        return None
    return options.function if options.workers > 0 and found else None
