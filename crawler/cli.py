"""The `newsmill` command: thin wrappers that call the library and turn its errors into one line."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.defaults import config_file
from crawler.summary import RunSummary

if TYPE_CHECKING:  # for annotations only: the commands import these where they use them
    from scrapy.settings import Settings

    from crawler.items import RawDocument

DEFAULT_DB = "data/newsmill.db"
# ./config/NAME in the current folder, else the default shipped with newsmill (crawler/defaults.py)
DATASETTE_METADATA = config_file("datasette.yml")
SOURCES_FILE = config_file("sources.toml")


class CommandError(Exception):
    """A failure the user can act on: printed as one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        status: int = args.handler(args)
        return status
    except CommandError as exc:
        print(f"newsmill: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsmill: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` and the like: not an error worth a traceback
        sys.stderr.close()
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmill", description="Collect news articles into a clean, deduplicated SQLite archive."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="ingest local dumps (.txt, .html, .htm, .html.gz) from files and folders",
        description="Ingest text dumps and HTML files (folders are walked recursively) through the same pipelines as crawls.",
        epilog="example: newsmill ingest ~/dumps/site-a page.html --db data/newsmill.db --source site-a",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    _add_db(ingest)
    ingest.add_argument("--source", help="source name recorded for these documents (default: local)")
    ingest.add_argument("--follow-symlinks", action="store_true", help="follow symbolic links found inside folders")
    ingest.add_argument(
        "--trust-canonical",
        action="store_true",
        help="let these files' canonical URLs replace text a crawl fetched (saved snapshots of your own site)",
    )
    ingest.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA zone of dates these files give without one, e.g. Europe/Paris (default UTC)",
    )
    ingest.add_argument(
        "--language",
        metavar="CODE",
        help="language recorded for every document of this run, e.g. fr (default: detected per document)",
    )
    ingest.add_argument(
        "--reextract",
        action="store_true",
        help="extract files the archive already has byte for byte from the same path (default: only mark them seen)",
    )
    _add_setting_overrides(ingest)
    _add_verbosity(ingest)
    ingest.set_defaults(handler=cmd_ingest)

    crawl = commands.add_parser(
        "crawl",
        help="crawl news sources from a sources file (feeds, sitemaps, start pages)",
        description=(
            "Crawl the named sources of the sources file through the same pipelines as ingest. "
            "Articles already in the archive are not fetched again unless a source's `revisit` asks for it. "
            "Several sources crawl side by side in one run, one `runs` row each."
        ),
        epilog="example: newsmill crawl example other-site --sources config/sources.toml --db data/newsmill.db",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    crawl.add_argument("names", nargs="+", metavar="NAME", help="a [sources.NAME] table of the sources file")
    _add_sources(crawl)
    _add_db(crawl)
    _add_setting_overrides(crawl)
    _add_verbosity(crawl)
    crawl.set_defaults(handler=cmd_crawl)

    schedule = commands.add_parser(
        "schedule",
        help="crawl every source on its own schedule (a daemon), or once what is due",
        description=(
            "Run each source of the sources file on its `every` or cron `schedule`, each crawl in its own process "
            "with a time limit, never two runs of one source at a time. The plan is kept in FILE.schedule.db next "
            "to the archive, so a restart resumes it; missed runs are made up once. SIGTERM/SIGINT stop it "
            "gracefully. --once crawls what is due and exits (for cron or systemd timers); --list shows the plan."
        ),
        epilog="example: newsmill schedule --sources config/sources.toml --db data/newsmill.db --max-run-time 3600",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_sources(schedule)
    _add_db(schedule)
    mode = schedule.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="print each source's trigger and next run time, and exit")
    mode.add_argument("--once", action="store_true", help="crawl every due source once and exit")
    schedule.add_argument(
        "--job-store", metavar="FILE", help="where the plan is kept (default: next to --db, NAME.schedule.db)"
    )
    schedule.add_argument(
        "--max-run-time",
        type=float,
        metavar="SECONDS",
        help="stop a crawl after this long: SIGTERM, then SIGKILL after --stop-grace (default 1 h)",
    )
    schedule.add_argument(
        "--stop-grace",
        type=float,
        metavar="SECONDS",
        help="how long a stopped crawl may take to finish its batch (default 30 s)",
    )
    _add_setting_overrides(schedule)
    _add_verbosity(schedule)
    schedule.set_defaults(handler=cmd_schedule)

    serve = commands.add_parser(
        "serve",
        help="browse the archive in Datasette (127.0.0.1)",
        description="Start Datasette on the archive with newsmill's facets and canned queries. Not immutable unless "
        "asked: crawls may write while you browse.",
        epilog="example: newsmill serve --db data/newsmill.db --port 8001",
    )
    _add_db(serve)
    serve.add_argument("--port", type=int, default=8001)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument(
        "--immutable",
        action="store_true",
        help="serve a finished archive read-only and faster (datasette -i); refused while it is being written",
    )
    serve.set_defaults(handler=cmd_serve)

    explain = commands.add_parser(
        "explain",
        help="show what newsmill extracts from one file or URL, what it removes and why, and what dedup would decide",
        description="Run one file or URL through the same stages as an ingest and store nothing: fields, every removed "
        "line with the rule that removed it, and the archive's decision (new, duplicate, near duplicate, new version).",
        epilog="example: newsmill explain ~/dumps/site-a/0042.txt --db data/newsmill.db",
    )
    explain.add_argument("path", metavar="PATH|URL")
    _add_db(explain)
    explain.add_argument("--source", help="source name the document would be ingested under (default: local)")
    explain.add_argument("--text", action="store_true", help="print the whole cleaned body")
    explain.set_defaults(handler=cmd_explain)

    repair = commands.add_parser(
        "repair",
        help="split articles that an older newsmill merged from unrelated stories under one URL or path",
        description="Find articles whose versions hold unrelated stories (the rule before the identity rules merged "
        "pages sharing a canonical URL, or a file claiming a crawled URL) and give each story its own article, "
        "with its sightings and versions. One transaction; nothing is lost. Run with --dry-run first.",
        epilog="example: newsmill repair --db data/newsmill.db --dry-run",
    )
    _add_db(repair)
    repair.add_argument("--dry-run", action="store_true", help="only report what would be split")
    repair.set_defaults(handler=cmd_repair)
    return parser


def _add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources",
        default=str(SOURCES_FILE),
        help="sources file (default: ./config/sources.toml, else the shipped one)",
    )


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=f"archive file (default {DEFAULT_DB})")


def _add_setting_overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy or NEWSMILL_ setting for this run, e.g. -s NEWSMILL_WORKERS=4 (repeatable)",
    )


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="count", default=0, help="-v: progress details, -vv: debug")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no per-file warnings")


def check_archive(db_path: str) -> None:
    """Open (and migrate) the archive before Scrapy starts, so a bad path is one clear line."""
    from storage.db import open_database

    if Path(db_path).is_dir():
        raise CommandError(f"--db {db_path} is a folder, not a file")
    try:
        open_database(db_path).close()
    except (sqlite3.Error, OSError) as exc:
        raise CommandError(f"cannot open archive {db_path}: {exc}") from exc


def crawl_settings(args: argparse.Namespace, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    level = "WARNING"
    if args.quiet:
        level = "ERROR"
    elif args.verbose == 1:
        level = "INFO"
    elif args.verbose >= 2:
        level = "DEBUG"
    return {
        "NEWSMILL_DB": args.db,
        "LOG_LEVEL": level,
        "LOG_FORMAT": "%(levelname)s: %(message)s"
        if args.verbose < 2
        else "%(asctime)s [%(name)s] %(levelname)s: %(message)s",
        "NEWSMILL_PROGRESS": not args.quiet and sys.stderr.isatty(),
        **(extra or {}),
    }


def _language_option(value: str | None) -> str | None:
    """--language, checked before the archive is opened (a usage error leaves no new file)."""
    from pipelines.extractors.language import forced_language

    try:
        return forced_language(value, "--language")
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def cmd_ingest(args: argparse.Namespace) -> int:
    from crawler.runner import project_settings, run_crawlers

    language = _language_option(args.language)
    check_archive(args.db)
    spider_args = {
        "path": [os.fspath(p) for p in args.paths],
        "source": args.source,
        "follow_symlinks": args.follow_symlinks,
    }
    overrides: dict[str, Any] = _setting_overrides(args.set)
    if args.reextract:
        overrides["NEWSMILL_REEXTRACT"] = True
    if args.trust_canonical:
        overrides["NEWSMILL_TRUST_CANONICAL"] = True
    if args.timezone:
        from storage.dates import is_zone

        if not is_zone(args.timezone):
            raise CommandError(f"--timezone {args.timezone!r} is not an IANA time zone like 'Europe/Paris' or 'UTC'")
        overrides["NEWSMILL_TIMEZONE"] = args.timezone
    if language:
        overrides["NEWSMILL_LANGUAGE"] = language
    (crawler,) = run_crawlers(project_settings(crawl_settings(args, overrides)), [("files", spider_args)])
    summary = RunSummary.from_stats(crawler.stats.get_stats())
    print("\n".join(summary.lines()))
    print(f"archive: {args.db}    browse: newsmill serve --db {args.db}")
    # a run stopped by Ctrl-C or SIGTERM is not a success, even if all it did was clean
    return 1 if summary.errors or summary.finish_reason not in (None, "finished") else 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.runner import project_settings, run_crawlers
    from crawler.sources import SourceError, load_sources

    try:
        sources = load_sources(args.sources)
    except SourceError as exc:
        raise CommandError(str(exc)) from exc
    names = list(dict.fromkeys(args.names))
    missing = [name for name in names if name not in sources]
    if missing:
        defined = ", ".join(sorted(sources)) or "none"
        raise CommandError(f"{args.sources}: no source named {', '.join(missing)} (defined: {defined})")
    check_archive(args.db)
    extra = {"NEWSMILL_SOURCES": args.sources, **_setting_overrides(args.set)}
    # One reactor per process: every source is a crawler of this one run.
    crawlers = run_crawlers(
        project_settings(crawl_settings(args, extra)), [("news", {"source": name}) for name in names]
    )
    status = 0
    for name, crawler in zip(names, crawlers):
        summary = RunSummary.from_stats(crawler.stats.get_stats())
        print(f"source {name}")
        print("\n".join(summary.lines()))
        status = max(status, 1 if summary.errors or summary.finish_reason != "finished" else 0)
    print(f"archive: {args.db}    browse: newsmill serve --db {args.db}")
    return status


def cmd_repair(args: argparse.Namespace) -> int:
    from storage.db import open_database
    from storage.repair import repair

    if not Path(args.db).is_file():
        raise CommandError(f"no archive at {args.db}")
    check_archive(args.db)
    db = open_database(args.db)
    try:
        splits = repair(db, dry_run=args.dry_run)
    finally:
        db.close()
    for split in splits:
        print("\n".join(split.describe()))
    stories = sum(len(split.stories) - 1 for split in splits)
    verb = "would get" if args.dry_run else "got"
    print(f"{len(splits)} merged articles; {stories} stories {verb} an article of their own")
    return 0


def _setting_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"-s {pair}: expected NAME=VALUE")
        overrides[name.strip()] = value.strip()
    return overrides


def cmd_schedule(args: argparse.Namespace) -> int:
    import logging
    import signal
    import threading

    # First thing: a SIGTERM during start-up (imports, opening the plan) is a stop, not a kill.
    stop = threading.Event()
    if not args.list:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: stop.set())

    from crawler import scheduler
    from crawler.sources import SourceError, load_sources

    try:
        sources = load_sources(args.sources)
    except SourceError as exc:
        raise CommandError(str(exc)) from exc
    if (args.max_run_time is not None and args.max_run_time <= 0) or (
        args.stop_grace is not None and args.stop_grace < 0
    ):
        raise CommandError("--max-run-time must be positive and --stop-grace not negative")
    check_archive(args.db)
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose >= 2 else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s: %(message)s", stream=sys.stderr)
    # APScheduler's own INFO lines repeat ours; -vv shows them
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if args.verbose >= 2 else logging.ERROR)
    try:
        config = scheduler.ScheduleConfig.build(
            args.sources,
            args.db,
            args.job_store,
            max_run_time=args.max_run_time,
            stop_grace=args.stop_grace,
            settings=_setting_overrides(args.set),
        )
        if args.list:
            print("\n".join(scheduler.format_plan(scheduler.list_plan(config, sources))) or "no sources")
            return 0
        if args.once:
            outcomes = scheduler.run_once(config, sources, stop)
            for outcome in outcomes:
                print(f"{outcome.source}: {outcome.status} (runs {', '.join(map(str, outcome.run_ids)) or 'none'})")
            if not outcomes:
                print("nothing due")
            return 0 if all(outcome.ok for outcome in outcomes) else 1
        scheduler.serve(config, sources, stop)
        return 0
    except scheduler.ScheduleError as exc:
        raise CommandError(str(exc)) from exc


def cmd_explain(args: argparse.Namespace) -> int:
    from crawler.runner import project_settings
    from pipelines.explain import describe, explain_document, explain_file
    from pipelines.road import rules_from_settings

    db = args.db if Path(args.db).exists() else None
    settings = project_settings()
    rules = rules_from_settings(settings)
    try:
        if args.path.startswith(("http://", "https://")):
            document = _fetch_one(args, settings)
            explanation = explain_document(document, db_path=db, rules=rules)
        else:
            explanation = explain_file(args.path, db_path=db, source=args.source, rules=rules)
    except sqlite3.Error as exc:
        raise CommandError(f"cannot read archive {args.db}: {exc}") from exc
    print("\n".join(describe(explanation, full_text=args.text)))
    return 0


def _fetch_one(args: argparse.Namespace, settings: Settings) -> RawDocument:
    """One page through Scrapy with the crawl's own politeness and safety settings."""
    from crawler.items import RawDocument
    from crawler.runner import run_crawlers
    from crawler.spiders.fetch_one import FetchOneSpider

    settings.setdict({"LOG_LEVEL": "ERROR", "LOG_FORMAT": "%(levelname)s: %(message)s"}, priority="cmdline")
    (crawler,) = run_crawlers(settings, [(FetchOneSpider, {"url": args.path, "source": args.source or "local"})])
    spider = crawler.spider
    document = spider.document if isinstance(spider, FetchOneSpider) else None
    if document is None:
        # robots.txt refusals and unsafe URLs are dropped before any callback runs
        reason = "refused before fetching (robots.txt, an unsafe address or scheme, or the size cap)"
        document = RawDocument(
            kind="html", source=args.source or "local", url=args.path, skip_code="not_fetched", skip_reason=reason
        )
    return document


def cmd_serve(args: argparse.Namespace) -> int:
    import json
    import signal
    import subprocess
    import tempfile

    from storage.datasette_metadata import metadata_for

    if not Path(args.db).exists():
        raise CommandError(f"no archive at {args.db}: run `newsmill ingest PATH --db {args.db}` first")
    check_archive(args.db)
    if args.immutable:
        _refuse_immutable_while_written(args.db)
    with tempfile.TemporaryDirectory(prefix="newsmill-serve-") as folder:
        metadata_file = Path(folder) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata_for(args.db, DATASETTE_METADATA)), encoding="utf-8")
        # Immutable only on request: Datasette then skips locking and reads a file it trusts
        # not to change, so an archive a crawl writes to must be served without it.
        database = ["-i", args.db] if args.immutable else [args.db]
        command = [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            *database,
            "--metadata",
            str(metadata_file),
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--setting",
            "sql_time_limit_ms",
            "3000",
            # Suggestions run a count(distinct) per column on every table page: 1-2 s each on a
            # 100k-article archive. The useful facets are configured in config/datasette.yml.
            "--setting",
            "suggest_facets",
            "off",
        ]
        print(f"serving {args.db} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
        server = subprocess.Popen(command)
        # SIGTERM (systemd, a test harness) must stop Datasette too, not leave it orphaned
        signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
        try:
            return server.wait()
        except KeyboardInterrupt:  # Ctrl-C reached Datasette as well: let it finish
            server.wait()
            return 0


def _refuse_immutable_while_written(db: str) -> None:
    """check_archive has just closed its connection, which folds a finished or crashed
    writer's log into the file; a log still there belongs to a process that has it open."""
    from storage import writer_lock

    if writer_lock.is_held_elsewhere(db):
        holder = writer_lock.describe_holder(writer_lock.holder(db))
        raise CommandError(f"--immutable refused: {db} is being written by {holder}; serve it without --immutable")
    wal = Path(f"{db}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise CommandError(
            f"--immutable refused: {wal} is not empty (another process has the archive open for writing); "
            "serve it without --immutable"
        )


if __name__ == "__main__":
    sys.exit(main())
