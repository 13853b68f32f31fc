"""Scrapy settings for newsmill. Our own settings share the NEWSMILL_ prefix.

NEWSMILL_DB               archive file (default data/newsmill.db)
NEWSMILL_SOURCE           source name given to documents that have none (default "local")
NEWSMILL_BATCH_SIZE       documents per write transaction (default 200)
NEWSMILL_BATCH_SECONDS    longest a document waits in the write buffer (default 2.0)
NEWSMILL_NEAR_DUP_THRESHOLD  Jaccard of word shingles from which a copy is the same story (0.8)
NEWSMILL_MIN_WORDS        shorter bodies are rejected as "too_short" (default 15: briefs count);
                          Chinese and Japanese count two characters to a word
NEWSMILL_MAX_FILE_BYTES   larger files are refused by stat, before any read (default 10 MiB)
NEWSMILL_MAX_DECOMPRESSED_BYTES  a .gz file expanding past this is refused (default 10 MiB)
NEWSMILL_PROGRESS         show a progress bar on stderr (the CLI turns it on for terminals)
NEWSMILL_WORKERS          extraction worker processes (default -1: one per CPU for crawls and
                          for ingests of at least NEWSMILL_POOL_MIN_DOCUMENTS files; 0: inline)
NEWSMILL_POOL_MIN_DOCUMENTS  smaller ingests extract inline: starting workers costs ~2 s
NEWSMILL_EXTRACT_TIMEOUT  seconds one document may spend in extraction (default 30)
NEWSMILL_WORKER_MEMORY_MB address-space cap of each extraction worker (default 2048)
NEWSMILL_WORKER_MAX_TASKS documents before a worker is recycled (default 1000)
NEWSMILL_MAX_IN_FLIGHT    documents a files spider lets wait for extraction (default 64)
NEWSMILL_REEXTRACT        extract documents whose bytes the archive already has from the same
                          path or URL (default False: they are only marked seen; `ingest --reextract`)
NEWSMILL_TRUST_CANONICAL  local files whose canonical URL names a crawled article may replace its
                          text (default False: a file is only ever a sighting; `ingest --trust-canonical`)
NEWSMILL_TIMEZONE         IANA zone of dates given without one (default UTC; a source's `timezone`
                          wins for its crawls; `ingest --timezone`)
NEWSMILL_LANGUAGE         language forced on every document of the run (default: detected;
                          `ingest --language`)
NEWSMILL_WRITER_WAIT      seconds a write may wait for another process's transaction before the
                          run is refused (default 600, see storage/writer_lock.py)
"""

# defaults named once, where the code that enforces them lives
from crawler.defaults import config_file
from crawler.loaders.limits import MAX_DECOMPRESSED_BYTES, MAX_FILE_BYTES
from storage import writer_lock

BOT_NAME = "newsmill"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# The road (pipelines.core, once per document: bytes -> record), then the batched writer.
ITEM_PIPELINES = {
    "pipelines.road.RoadPipeline": 100,
    "pipelines.store.StorePipeline": 400,
}

EXTENSIONS = {
    "crawler.progress.ProgressBar": 500,
}

LOG_FORMATTER = "crawler.logformatter.NewsmillLogFormatter"

NEWSMILL_DB = "data/newsmill.db"
NEWSMILL_SOURCE = "local"
NEWSMILL_BATCH_SIZE = 200
NEWSMILL_BATCH_SECONDS = 2.0
NEWSMILL_MIN_WORDS = 15
NEWSMILL_MAX_FILE_BYTES = MAX_FILE_BYTES
NEWSMILL_MAX_DECOMPRESSED_BYTES = MAX_DECOMPRESSED_BYTES
NEWSMILL_PROGRESS = False
NEWSMILL_WORKERS = -1
NEWSMILL_POOL_MIN_DOCUMENTS = 200
NEWSMILL_EXTRACT_TIMEOUT = 30.0
NEWSMILL_WORKER_MEMORY_MB = 2048
NEWSMILL_WORKER_MAX_TASKS = 1000
NEWSMILL_MAX_IN_FLIGHT = 64
NEWSMILL_TRUST_CANONICAL = False
NEWSMILL_TIMEZONE = "UTC"
NEWSMILL_LANGUAGE = None
NEWSMILL_REEXTRACT = False
NEWSMILL_WRITER_WAIT = writer_lock.DEFAULT_WAIT_SECONDS

# The extract stage awaits worker processes through asyncio.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Politeness for live crawls; local files never touch the network.
# Our crawl settings:
#   NEWSMILL_SOURCES          sources file for the news spider (default ./config/sources.toml, else the shipped one)
#   NEWSMILL_SECTION_HOPS     how many non-article pages deep links are followed from a start page (default 2)
#   NEWSMILL_RETRY_AFTER_MAX  longest wait, in seconds, a Retry-After header can impose before a retry (default 60)
#   NEWSMILL_MAX_SITEMAPS     nested sitemaps (from indexes) fetched per run, newest first (default 20)
#   NEWSMILL_FOLLOW_ARTICLE_LINKS  follow links found on article pages too (default False: articles are leaves)
ROBOTSTXT_OBEY = True
USER_AGENT = "newsmill/0.1 (+news archive crawler; one request at a time; respects robots.txt)"
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy starts this many asyncio tasks for every response's output; an article page yields
# one item, a sitemap a few hundred requests. 100 (the default) cost ~15 % of a crawl's main
# process in task churn (benchmarks/crawl.py: 51 -> 56 articles/s with 8).
CONCURRENT_ITEMS = 8
# AutoThrottle adapts the delay to the site's latency; DOWNLOAD_DELAY is its floor.
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 20
# Bounds the body on the wire and, through HttpCompressionMiddleware, once decompressed (gzip bombs).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
# A page that still fails after its retries is a reject row, not an error of the run.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
NEWSMILL_SOURCES = str(config_file("sources.toml"))  # ./config/sources.toml, else the shipped one
NEWSMILL_SECTION_HOPS = 2
NEWSMILL_RETRY_AFTER_MAX = 60.0
NEWSMILL_MAX_SITEMAPS = 20
NEWSMILL_FOLLOW_ARTICLE_LINKS = False
DOWNLOADER_MIDDLEWARES = {
    # after OffsiteMiddleware (50), before robots.txt is fetched (100)
    "crawler.middlewares.guard.UrlGuardMiddleware": 60,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.TaggedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.compression.CappedHttpCompressionMiddleware": 590,
    # sees a 3xx before RedirectMiddleware (600) acts on it
    "crawler.middlewares.guard.RedirectGuardMiddleware": 650,
}
# Both open a control port into the running process; a scheduled archiver needs neither.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
