"""Scrapy settings for newscrawl, and every NEWSCRAWL_* setting with its default.

Each setting has a one-line comment. Override any of them on the command
line with ``-s NAME=VALUE``.
"""

from newscrawl import __version__

BOT_NAME = "newscrawl"  # the project name Scrapy reports
SPIDER_MODULES = ["newscrawl.spiders"]  # where `scrapy crawl` finds spiders
NEWSPIDER_MODULE = "newscrawl.spiders"  # where `scrapy genspider` puts new ones

# Identify ourselves honestly; sites can contact or block us by this name.
USER_AGENT = f"newscrawl/{__version__} (+https://pypi.org/project/newscrawl/; news research crawler)"
ROBOTSTXT_OBEY = True  # never fetch what robots.txt disallows

# Politeness: AutoThrottle adapts the delay to each site's latency.
AUTOTHROTTLE_ENABLED = True  # adapt download delay to server load
AUTOTHROTTLE_START_DELAY = 1.0  # initial delay (seconds) before latency is known
AUTOTHROTTLE_MAX_DELAY = 30.0  # never wait longer than this between requests to one site
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # average parallel requests per remote site
CONCURRENT_REQUESTS = 16  # total parallel requests across all sites
CONCURRENT_REQUESTS_PER_DOMAIN = 4  # upper bound per site
DOWNLOAD_DELAY = 0.25  # minimum delay between requests to one site (seconds)
DOWNLOAD_TIMEOUT = 30  # give up on a response after this many seconds
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # skip responses over 10 MiB (news pages are far smaller)
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024  # log responses over 4 MiB
RETRY_TIMES = 2  # retry transient failures (5xx, timeouts) twice
DEPTH_LIMIT = 3  # link hops followed from a start page or a listed article (0 = unlimited)
TELNETCONSOLE_ENABLED = False  # no debugging console on a port
REMOTE_CONTROL_ENABLED = False  # no code-execution control server, no job files in the home folder
COOKIES_ENABLED = False  # news pages do not need cookies; avoids consent-wall state

# Pipelines: validate, then drop duplicates; feed exports write what passes.
ITEM_PIPELINES = {
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.dedupe.DedupePipeline": 200,
}
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.warc.WarcArchiveMiddleware": 595,  # archives raw responses when NEWSCRAWL_WARC_DIR is set
}
SPIDER_MIDDLEWARES = {
    "newscrawl.middlewares.ProvenanceMiddleware": 950,  # stamps fetched_at, extractor_version
}
EXTENSIONS = {
    "newscrawl.extensions.CrawlSummary": 500,  # prints the end-of-crawl summary
}

FEED_EXPORT_ENCODING = "utf-8"  # JSONL is UTF-8, non-ASCII kept as is
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # Scrapy's default
LOG_LEVEL = "INFO"  # DEBUG lists every request

# newscrawl's own settings
NEWSCRAWL_VALIDATE_REQUIRED = ["headline", "body"]  # items missing any of these are dropped with a reason
NEWSCRAWL_VALIDATE_MIN_BODY_CHARS = 200  # bodies shorter than this are dropped as "short_body"
NEWSCRAWL_SUMMARY_ENABLED = True  # print a summary (pages, articles, skips by reason) when the crawl ends
NEWSCRAWL_SUMMARY_FILE = None  # also write the summary as JSON to this path
NEWSCRAWL_WARC_DIR = None  # write every fetched response to rotating .warc.gz files in this folder
NEWSCRAWL_WARC_MAX_BYTES = 1024 * 1024 * 1024  # start a new WARC file past this size
NEWSCRAWL_VALIDATE_ENABLED = True  # drop items without the required fields
NEWSCRAWL_DEDUPE_ENABLED = True  # drop items whose canonical URL or body was already stored in this crawl
