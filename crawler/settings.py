"""Scrapy settings for newsmill. Our own settings share the NEWSMILL_ prefix.

NEWSMILL_DB               archive file (default data/newsmill.db)
NEWSMILL_SOURCE           source name given to documents that have none (default "local")
NEWSMILL_BATCH_SIZE       documents per write transaction (default 200)
NEWSMILL_BATCH_SECONDS    longest a document waits in the write buffer (default 2.0)
NEWSMILL_MIN_WORDS        shorter bodies are rejected as "too_short" (default 25)
NEWSMILL_MAX_FILE_BYTES   larger files are refused by stat, before any read (default 10 MiB)
NEWSMILL_PROGRESS         show a progress bar on stderr (the CLI turns it on for terminals)
"""

BOT_NAME = "newsmill"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
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
NEWSMILL_MIN_WORDS = 25
NEWSMILL_MAX_FILE_BYTES = 10 * 1024 * 1024
NEWSMILL_PROGRESS = False

# Politeness for live crawls; local files never touch the network.
ROBOTSTXT_OBEY = True
USER_AGENT = "newsmill/0.1 (+news archive crawler; respects robots.txt)"
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
