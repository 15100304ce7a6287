"""Scrapy's stats collector without its per-call deprecation wrapper.

Scrapy 2.19's ``StatsCollector.__getattribute__`` runs in Python on every
attribute access of the collector and wraps each stats method in a
wrapper that checks its arguments for the deprecated ``spider`` argument,
so every ``inc_value`` (a dozen a page, from Scrapy's own middlewares and
newscrawl's) costs an f-string, a failed attribute lookup and a second
call: 2% of the crawl process's CPU (py-spy, ``make bench``).
:class:`FastStatsCollector` looks attributes up as any object does. The
methods are Scrapy's own and still accept ``spider``; passing it is only
no longer warned about.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class FastStatsCollector(MemoryStatsCollector):
    """:class:`~scrapy.statscollectors.MemoryStatsCollector` with plain attribute lookup (``STATS_CLASS``)."""

    __getattribute__ = object.__getattribute__
