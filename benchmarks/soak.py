"""Crash soak: SIGKILL `newsmill ingest` at random moments, rerun it, check that nothing was lost.

    python benchmarks/soak.py [--trials 50] [--files 2000] [--html 40] [--seed 1] [--keep DIR]

Each trial starts from an empty archive, runs a real `newsmill ingest` over a folder of
distinct stories (text dumps and a few HTML pages), SIGKILLs it at a random moment of its
writes (a random 0-0.3 s after the archive reaches a random number of articles, so the
moment falls inside the writes whatever the machine's load), then
reruns it to completion and checks the archive (see `problems`): exactly the expected
stories, no duplicates, no half rows, `PRAGMA integrity_check` ok. Trials alternate inline
extraction (`-s NEWSMILL_WORKERS=0`) and the worker pool. The RNG is seeded: a failing
trial is reproduced by its seed. tests/test_crash_safety.py runs a few trials of the same code.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

DEFAULT_FILES = 2000
DEFAULT_HTML = 40
# after the kill's target article count is reached; a batch of 50 takes 0.1-0.4 s to write
KILL_JITTER_SECONDS = (0.0, 0.3)
# targets stay clear of the end, so the run is still writing when the kill comes
KILL_TARGET_MARGIN = 300
RUN_TIMEOUT_SECONDS = 240
# Crash runs leave orphaned extraction workers behind for a moment; they exit on their own
# once their pipe closes, but a trial must not leave them to the next one.
REAP_SECONDS = 5
PROGRESS_POLL_SECONDS = 0.01

# -- the corpus: every file a distinct story, so the expected archive is known exactly -----

PLACES = [
    "Baku",
    "Tbilisi",
    "Yerevan",
    "Ganja",
    "Batumi",
    "Gyumri",
    "Sumgait",
    "Kutaisi",
    "Lankaran",
    "Vanadzor",
    "Shaki",
    "Rustavi",
    "Zugdidi",
    "Dilijan",
    "Quba",
    "Telavi",
    "Sevan",
    "Mingachevir",
    "Poti",
    "Goris",
]
SUBJECTS = [
    "city council",
    "port authority",
    "water utility",
    "regional court",
    "transport ministry",
    "school board",
    "farmers' union",
    "rail operator",
    "health agency",
    "customs service",
    "energy regulator",
    "museum trust",
    "tourism office",
    "bus company",
    "wine cooperative",
    "airport operator",
    "housing fund",
    "fire service",
]
VERBS = [
    "approves",
    "delays",
    "expands",
    "reviews",
    "cancels",
    "funds",
    "opens",
    "suspends",
    "plans",
    "audits",
    "doubles",
    "restores",
    "questions",
    "extends",
    "tenders",
    "publishes",
]
OBJECTS = [
    "bridge repairs",
    "night bus routes",
    "harvest subsidies",
    "terminal upgrade",
    "school meals plan",
    "flood barriers",
    "tram line",
    "clinic hours",
    "border crossing",
    "heritage survey",
    "solar tender",
    "market rules",
    "ferry timetable",
    "road tolls",
    "pension office",
    "archive digitisation",
]
NAMES = [
    "Leyla Hasanova",
    "Giorgi Beridze",
    "Anahit Sargsyan",
    "Rashad Aliyev",
    "Nino Kapanadze",
    "Armen Petrosyan",
    "Aysel Mammadova",
    "Levan Tsiklauri",
    "Mariam Hovhannisyan",
    "Elvin Guliyev",
    "Tamar Lomidze",
    "Hayk Grigoryan",
]
SECTIONS = ["Economy", "Politics", "Society", "Culture", "Regions", "Transport", "Energy"]
CLAUSES = [
    "the {subject} said on {day}",
    "according to figures published by the {subject}",
    "{name}, who chairs the {subject}, told reporters",
    "after a vote of {n} to {m}",
    "at a cost of {n} million manat",
    "despite objections from residents of {place}",
    "for the first time since {year}",
    "in a statement posted on {day} evening",
    "while inspectors from {place} look on",
    "with {n} workers on {m} sites",
    "ahead of the {season} season",
    "under a contract signed in {year}",
]
SENTENCES = [
    "The {subject} in {place} {verb} the {object}, {clause}.",
    "{name} said the {object} would take {n} months and employ about {m} people.",
    "Residents of {place} have waited {n} years for the {object}, {clause}.",
    "Critics in {place} argue that the {object} costs {n} percent more than planned.",
    "The first phase covers {n} kilometres between {place} and {other}, {clause}.",
    "Officials expect {m} visitors a day once the {object} is finished, {clause}.",
    "{name} of the {subject} called the decision {adjective} and promised a review by {season}.",
    "A similar scheme in {other} was abandoned in {year} after {n} complaints.",
    "Traders at the {place} market said the {object} would change little for them.",
    "The {subject} will publish the full budget of {n} million manat on {day}.",
    "Opposition deputies from {other} asked for an audit, {clause}.",
    "The work is due to start in {season} and to end before {year2}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SEASONS = ["spring", "summer", "autumn", "winter", "harvest", "tourist"]
ADJECTIVES = ["overdue", "premature", "reckless", "sensible", "historic", "disappointing", "bold", "cautious"]
CHROME_LINES = ["Share", "Trending", "Leave a Reply", "Your email address will not be published.", "Back to top"]


@dataclass(frozen=True)
class Story:
    name: str  # file name
    title: str
    section: str
    paragraphs: tuple[str, ...]
    html: bool


def _fill(rng: random.Random, template: str) -> str:
    place, other = rng.sample(PLACES, 2)
    values = {
        "place": place,
        "other": other,
        "subject": rng.choice(SUBJECTS),
        "verb": rng.choice(VERBS),
        "object": rng.choice(OBJECTS),
        "name": rng.choice(NAMES),
        "day": rng.choice(DAYS),
        "season": rng.choice(SEASONS),
        "adjective": rng.choice(ADJECTIVES),
        "n": rng.randint(2, 950),
        "m": rng.randint(2, 9500),
        "year": rng.randint(1991, 2023),
        "year2": rng.randint(2026, 2035),
    }
    values["clause"] = rng.choice(CLAUSES).format(**values)
    return template.format(**values)


def make_stories(count: int, html_count: int, seed: int) -> list[Story]:
    rng = random.Random(seed)
    stories, titles = [], set()
    while len(stories) < count:
        place = rng.choice(PLACES)
        title = f"{place} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} after {rng.randint(2, 99)} {rng.choice(['days', 'weeks', 'months'])}"
        title = title[0].upper() + title[1:]
        if title in titles:
            continue
        titles.add(title)
        paragraphs = []
        for _ in range(rng.randint(4, 6)):
            paragraphs.append(" ".join(_fill(rng, template) for template in rng.sample(SENTENCES, 2)))
        index = len(stories)
        html = index % max(1, count // max(html_count, 1)) == 0 and sum(s.html for s in stories) < html_count
        name = f"{index:05d}_{place.lower()}.{'html' if html else 'txt'}"
        stories.append(Story(name, title, rng.choice(SECTIONS), tuple(paragraphs), html))
    return stories


def render(story: Story) -> str:
    if story.html:
        body = "\n".join(f"<p>{paragraph}</p>" for paragraph in story.paragraphs)
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{story.title}</title>"
            f'<meta property="article:section" content="{story.section}"></head><body>'
            f'<header><nav><a href="/">Home</a> <a href="/{story.section.lower()}/">{story.section}</a></nav></header>'
            f"<main><article><h1>{story.title}</h1>\n{body}\n</article></main>"
            f'<footer><p>All rights reserved.</p> <a href="#top">Back to top</a></footer></body></html>\n'
        )
    chrome = "\n\n".join(CHROME_LINES)
    return (
        f"{story.section}\n\n{story.title}\n\nPublished\n\non\n\n" + "\n\n".join(story.paragraphs) + f"\n\n{chrome}\n"
    )


def write_corpus(folder: Path, count: int = DEFAULT_FILES, html_count: int = DEFAULT_HTML, seed: int = 1) -> list[str]:
    """Write the stories into `folder` (a few sub-folders, as dumps arrive) and return their titles."""
    stories = make_stories(count, html_count, seed)
    for index, story in enumerate(stories):
        sub = folder / f"batch-{index % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / story.name).write_text(render(story), encoding="utf-8")
    return [story.title for story in stories]


# -- running and killing the real command -------------------------------------------------


def newsmill_command(*args) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *map(str, args)]


def ingest_command(folder: Path, db: Path, *, pool: bool) -> list[str]:
    workers = ["-s", "NEWSMILL_WORKERS=2"] if pool else ["-s", "NEWSMILL_WORKERS=0"]
    # small batches: many commits, so a kill lands between, inside and right after them
    return newsmill_command("ingest", folder, "--db", db, "-q", "-s", "NEWSMILL_BATCH_SIZE=50", *workers)


def run_killed(command: list[str], db: Path, target: int, jitter: float, env: dict | None = None) -> int | None:
    """Start the command and SIGKILL it `jitter` seconds after the archive holds `target`
    articles: a moment picked by progress, not by the clock, lands inside the writes on a
    busy machine and on an idle one alike, and the jitter puts it anywhere in a batch.
    Returns the exit status if it ended first, None if it was killed."""
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while process.poll() is None and count_articles(db) < target and time.monotonic() < deadline:
        time.sleep(PROGRESS_POLL_SECONDS)
    try:
        process.wait(timeout=jitter)
        status = process.returncode
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        status = None
    reap(process.pid)
    return status


def reap(group: int) -> None:
    """Kill what is left of the command's process group (orphaned extraction workers)."""
    deadline = time.monotonic() + REAP_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def run_to_completion(command: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
    )


# -- what a complete, consistent archive looks like ---------------------------------------


def problems(db: Path, expected_titles: list[str]) -> list[str]:
    """Everything wrong with the archive, as readable lines; empty when it is right."""
    found = []
    with sqlite3.connect(db) as connection:
        sql = lambda text: connection.execute(text).fetchall()  # noqa: E731  # a one-line query helper
        integrity = sql("PRAGMA integrity_check")
        if integrity != [("ok",)]:
            found.append(f"integrity_check: {integrity[:5]}")
        titles = [title for (title,) in sql("SELECT title FROM articles")]
        if len(titles) != len(expected_titles):
            found.append(f"{len(titles)} articles, expected {len(expected_titles)}")
        if len(set(titles)) != len(titles):
            found.append(f"{len(titles) - len(set(titles))} duplicate titles")
        missing = set(expected_titles) - set(titles)
        extra = set(titles) - set(expected_titles)
        if missing:
            found.append(f"{len(missing)} stories missing, e.g. {sorted(missing)[:3]}")
        if extra:
            found.append(f"{len(extra)} unexpected titles, e.g. {sorted(extra)[:3]}")
        checks = {
            "articles without a sighting": "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM sightings s WHERE s.article_id = a.id)",
            "sightings without their article": "SELECT count(*) FROM sightings s WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.id = s.article_id)",
            "articles without an FTS row": "SELECT count(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM articles_fts_docsize d WHERE d.id = a.rowid)",
            "FTS rows without their article": "SELECT count(*) FROM articles_fts_docsize d WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.rowid = d.id)",
            "files with more than one sighting": "SELECT count(*) FROM (SELECT path FROM sightings "
            "GROUP BY path HAVING count(*) > 1)",
        }
        for label, query in checks.items():
            ((count,),) = sql(query)
            if count:
                found.append(f"{count} {label}")
        try:
            # compares the full-text index with the articles it indexes
            connection.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            found.append(f"FTS integrity-check: {exc}")
    return found


@dataclass
class TrialResult:
    seed: int
    pool: bool
    target: int  # articles in the archive when the kill's clock started
    jitter: float  # seconds from then to the kill
    killed: bool
    stored_at_kill: int  # articles the killed run had committed
    problems: list[str]
    seconds: float


def trial(folder: Path, titles: list[str], work: Path, seed: int, *, pool: bool) -> TrialResult:
    rng = random.Random(seed)
    target = rng.randint(1, max(1, len(titles) - KILL_TARGET_MARGIN))
    jitter = round(rng.uniform(*KILL_JITTER_SECONDS), 3)
    db = work / f"trial-{seed}.db"
    started = time.monotonic()
    command = ingest_command(folder, db, pool=pool)
    status = run_killed(command, db, target, jitter)
    stored_at_kill = count_articles(db)
    rerun = run_to_completion(command)
    found = problems(db, titles)
    if rerun.returncode != 0:
        found.insert(0, f"rerun exited {rerun.returncode}: {rerun.stderr.strip()[-500:]}")
    return TrialResult(seed, pool, target, jitter, status is None, stored_at_kill, found, time.monotonic() - started)


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        try:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:  # killed before the schema was created
            return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--html", type=int, default=DEFAULT_HTML)
    parser.add_argument("--seed", type=int, default=1, help="first trial's seed; trial i uses seed + i")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsmill-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    titles = write_corpus(work / "corpus", args.files, args.html, seed=args.seed)
    print(f"{len(titles)} stories in {work / 'corpus'}; {args.trials} trials", flush=True)
    failed = 0
    for i in range(args.trials):
        result = trial(work / "corpus", titles, work, args.seed + i, pool=i % 2 == 1)
        verdict = "ok" if not result.problems else "FAILED: " + "; ".join(result.problems)
        print(
            f"trial {i + 1:3d} seed {result.seed} {'pool  ' if result.pool else 'inline'} "
            f"kill {result.jitter:4.2f}s after {result.target:5d} articles: "
            f"{'killed' if result.killed else 'ended first'} with {result.stored_at_kill:5d} stored, "
            f"{result.seconds:5.1f}s  {verdict}",
            flush=True,
        )
        failed += bool(result.problems)
        if not result.problems and not args.keep:
            for suffix in ("", "-wal", "-shm", ".writer.lock"):
                (work / f"trial-{result.seed}.db{suffix}").unlink(missing_ok=True)
    print(f"{args.trials - failed} of {args.trials} trials ok")
    if not failed and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    elif failed:
        print(f"failed trials' archives are kept in {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
