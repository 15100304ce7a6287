"""Scrapy settings for newscrawl, and every NEWSCRAWL_* setting with its default.

Each setting has a one-line comment. Override any of them on the command
line with ``-s NAME=VALUE``.
"""

from scrapy.settings import default_settings as _scrapy_defaults

from newscrawl import __version__

BOT_NAME = "newscrawl"  # the project name Scrapy reports
SPIDER_MODULES = ["newscrawl.spiders"]  # where `scrapy crawl` finds spiders
NEWSPIDER_MODULE = "newscrawl.spiders"  # where `scrapy genspider` puts new ones
COMMANDS_MODULE = "newscrawl.commands"  # `scrapy crawl --help` also lists the news spider's -a arguments

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
# Items of one response processed at once. Scrapy starts this many asyncio tasks for every response, whatever it
# yields (one page awaiting extraction here): at its default of 100 that was 18% of the crawl process's CPU.
CONCURRENT_ITEMS = 4
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
    "newscrawl.pipelines.extract.ExtractPipeline": 50,  # RawPage → Article, in worker processes
    "newscrawl.pipelines.validate.ValidatePipeline": 100,
    "newscrawl.pipelines.dedupe.DedupePipeline": 200,
    "newscrawl.pipelines.state.StatePipeline": 900,  # versions, near-duplicates; state recorded after export
}
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.warc.WarcArchiveMiddleware": 800,  # archives raw responses when NEWSCRAWL_WARC_DIR is set: above redirect (600, so 3xx are kept) and decompression (590)
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,  # replaced by the next line
    "newscrawl.downloadermiddlewares.FastHttpCompressionMiddleware": 590,  # gunzip without charset sniffing of gzip bytes
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,  # replaced by the next line
    "newscrawl.downloadermiddlewares.FastMetaRefreshMiddleware": 580,  # decodes a page only when its head can hold a refresh
    "newscrawl.incremental.NotModifiedMiddleware": 950,  # a 304 to a conditional refetch is a recorded check
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,  # replaced by the next line
    "newscrawl.politeness.RobotsTxtMiddleware": 100,  # robots.txt that answers 5xx or times out disallows its host (RFC 9309)
    "newscrawl.politeness.RetryAfterMiddleware": 560,  # a 429/503 pauses its host for Retry-After; the retry waits too
    "newscrawl.faults.FailedDownloadStats": 540,  # counts pages Scrapy gave up on as newscrawl/failed/<reason>
    "newscrawl.faults.HostileResponseGuard": 610,  # refuses redirect loops and gzip bombs, counted
}
SPIDER_MIDDLEWARES = {
    "newscrawl.middlewares.ProvenanceMiddleware": 950,  # stamps fetched_at, extractor_version
    "newscrawl.incremental.IncrementalMiddleware": 800,  # drops requests for articles already stored
}
EXTENSIONS = {
    "newscrawl.extensions.CrawlSummary": 500,  # prints the end-of-crawl summary
    "newscrawl.extensions.Progress": 510,  # logs a progress line every NEWSCRAWL_PROGRESS_INTERVAL seconds
    "newscrawl.incremental.JobDirGuard": 0,  # keeps JOBDIR consistent after crashes and finished runs
    "newscrawl.politeness.CrawlDelay": 600,  # applies robots.txt Crawl-delay per host (after AutoThrottle)
    "newscrawl.settingscheck.SettingsCheck": -1000,  # first: a bad -s NEWSCRAWL_* value stops the crawl with one line
    "newscrawl.extensions.RemoteControl": 0,  # Scrapy's, without importing aiohttp when REMOTE_CONTROL_ENABLED is off
}
# Scrapy's extensions but its RemoteControl (replaced above): Scrapy imports every listed extension's module, even one
# set to None, and that one imports aiohttp (0.14 s of every crawl's start-up, 10 MB of the crawl process).
EXTENSIONS_BASE = {
    name: order
    for name, order in _scrapy_defaults.EXTENSIONS_BASE.items()
    if name != "scrapy.extensions.remote_control.RemoteControl"
}

FEED_EXPORT_ENCODING = "utf-8"  # JSONL is UTF-8, non-ASCII kept as is
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # Scrapy's default
LOG_LEVEL = "INFO"  # DEBUG lists every request
LOG_FORMATTER = "newscrawl.logformatter.QuietLogFormatter"  # Scrapy's, without building per-page DEBUG lines at INFO
STATS_CLASS = "newscrawl.stats.FastStatsCollector"  # Scrapy's MemoryStatsCollector without its per-call deprecation wrapper

# newscrawl's own settings
NEWSCRAWL_VALIDATE_REQUIRED = ["headline", "body"]  # items missing any of these are dropped with a reason
NEWSCRAWL_VALIDATE_MIN_BODY_CHARS = 200  # bodies shorter than this are dropped as "short_body"
NEWSCRAWL_SUMMARY_ENABLED = True  # print a summary (pages, articles, skips by reason) when the crawl ends
NEWSCRAWL_SUMMARY_FILE = None  # also write the summary as JSON to this path
NEWSCRAWL_WARC_DIR = None  # write every fetched response to rotating .warc.gz files in this folder
NEWSCRAWL_WARC_MAX_BYTES = 1024 * 1024 * 1024  # start a new WARC file past this size
NEWSCRAWL_VALIDATE_ENABLED = True  # drop items without the required fields
NEWSCRAWL_DEDUPE_ENABLED = True  # drop items whose canonical URL or body was already stored in this crawl

# -- extraction pool (issue 8) --
NEWSCRAWL_EXTRACT_WORKERS = None  # extraction worker processes; None = one per core, 0 = extract in the crawl process
NEWSCRAWL_EXTRACT_TIMEOUT = 20.0  # seconds a page may take; then its worker is killed and the page skipped as extract_timeout
NEWSCRAWL_EXTRACT_MAX_TASKS_PER_WORKER = 1000  # pages per worker before a fresh one replaces it (0 = never), bounds slow leaks
NEWSCRAWL_EXTRACT_FUNCTION = "newscrawl.extraction:extract"  # module:function with extract()'s signature, run for every page
NEWSCRAWL_GC_TUNING_ENABLED = True  # freeze start-up objects, collect garbage less often: about 20% less crawl-process CPU a page
NEWSCRAWL_GC_THRESHOLDS = [5000, 10, 10]  # gc.set_threshold() while the engine runs (CPython's default is 700, 10, 10)
EXTENSIONS["newscrawl.gctune.GcTuning"] = 0  # runs the GC tuning above (registered here to keep issue 8's settings in one block)

# -- incremental crawling (issue 4) --
NEWSCRAWL_STATE_ENABLED = True  # remember stored articles across runs: skip them, version changed texts, mark near-duplicates
NEWSCRAWL_STATE_PATH = ".newscrawl/state.sqlite3"  # the SQLite state database (folder created; WAL mode, no server)
NEWSCRAWL_STATE_RECRAWL_AFTER = None  # fetch a stored article again once last seen this long ago, e.g. "30d" (None: never)
NEWSCRAWL_STATE_RECRAWL_CHANGED = False  # fetch a stored article again when its sitemap lastmod changed, else ask with ETag/Last-Modified
NEWSCRAWL_STATE_DUPLICATES_ENABLED = True  # mark near-identical texts (syndicated copies) with duplicate_of
NEWSCRAWL_STATE_DUPLICATES_THRESHOLD = 0.8  # estimated Jaccard similarity of word shingles from which texts are near-duplicates
NEWSCRAWL_STATE_DUPLICATES_NUM_PERM = 128  # MinHash signature length, 2 to 1024 (LSH bands/rows follow from it and the threshold); fixed per database
NEWSCRAWL_STATE_DUPLICATES_SHINGLE_WORDS = 5  # words per shingle, 1 or more; fixed per database
NEWSCRAWL_JOBDIR_GUARD_ENABLED = True  # with JOBDIR: one crawl at a time; after a crash, rediscover instead of trusting Scrapy's queue
NEWSCRAWL_PROGRESS_ENABLED = True  # log a progress line while crawling
NEWSCRAWL_PROGRESS_INTERVAL = 60.0  # seconds between progress lines
LOGSTATS_INTERVAL = 0  # Scrapy's own per-minute line is replaced by the progress line
FEED_STORAGES = {  # local output files are unbuffered: a line is on disk before its article is recorded as stored
    "": "newscrawl.feedstorage.LineFileFeedStorage",
    "file": "newscrawl.feedstorage.LineFileFeedStorage",
}
FEED_EXPORTERS = {  # Scrapy's JSON lines exporter, handing the line it wrote to the state (stored as the record's document)
    "jsonlines": "newscrawl.exporters.JsonLinesItemExporter",
    "jsonl": "newscrawl.exporters.JsonLinesItemExporter",
}

# -- politeness and faults (issue 6) --
NEWSCRAWL_RETRY_AFTER_ENABLED = True  # pause a host after 429/503 for its Retry-After (seconds or HTTP-date)
NEWSCRAWL_RETRY_AFTER_HTTP_CODES = [429, 503]  # statuses whose Retry-After is honoured
NEWSCRAWL_RETRY_AFTER_MAX_DELAY = 120.0  # never pause a host longer than this (seconds), whatever Retry-After says
NEWSCRAWL_RETRY_AFTER_BACKOFF = 5.0  # pause after a 429/503 without Retry-After, doubled per retry (0 = retry at once)
NEWSCRAWL_ROBOTS_UNREACHABLE_DISALLOW = True  # robots.txt answering 5xx/429 or not answering disallows the host (RFC 9309)
NEWSCRAWL_CRAWL_DELAY_ENABLED = True  # apply robots.txt Crawl-delay as the host's minimum delay between requests
NEWSCRAWL_CRAWL_DELAY_MAX = 30.0  # cap on a Crawl-delay (seconds), so one site cannot stall the crawl
NEWSCRAWL_FAULTS_ENABLED = True  # count failed downloads by reason; refuse redirect loops and gzip bombs
NEWSCRAWL_SETTINGS_CHECK_ENABLED = True  # refuse unknown NEWSCRAWL_* names and unusable values before the crawl starts

# -- distributed crawling on scrapy-redis (issue 5) --
NEWSCRAWL_REDIS_URL = None  # redis://host:6379/0: workers share one frontier and state in Redis (scrapy-redis); None: nothing needs Redis
NEWSCRAWL_REDIS_PREFIX = "newscrawl"  # first part of every Redis key; crawls with different prefixes share nothing
NEWSCRAWL_REDIS_WORKER_ID = None  # this worker's name in Redis (None: host:pid:random); held requests are listed under it
NEWSCRAWL_REDIS_HEARTBEAT_TTL = 30.0  # seconds without a heartbeat after which a worker is dead and its requests go back to the queue
NEWSCRAWL_REDIS_IDLE_TIMEOUT = 10.0  # a worker stops once the shared frontier has been empty this long (0 = wait for work forever)
NEWSCRAWL_REDIS_POLL_INTERVAL = 0.5  # seconds between heartbeats, and between looks at the shared queue while idle
ADDONS = {"newscrawl.distributed.addon.RedisAddon": 0}  # with NEWSCRAWL_REDIS_URL: scrapy-redis scheduler, dupefilter, SCHEDULER_PERSIST=True
