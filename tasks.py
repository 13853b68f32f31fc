#!/usr/bin/env python3
"""Quick start with nothing but python3:

    python3 tasks.py demo    ingest the bundled examples into data/newsmill.db, show how to browse
    python3 tasks.py test    run the test suite (extra arguments go to pytest)
    python3 tasks.py quick   the tests not marked slow (< 90 s): the loop to run while you work
    python3 tasks.py check   static checks: ruff lint, ruff format --check, mypy
    python3 tasks.py wheel   build a wheel, install it (not editable) in a fresh venv, ingest the
                             examples and serve them from another folder
    python3 tasks.py lowest  install every direct dependency at the lowest version pyproject.toml
                             allows in a fresh venv and run the smoke tests (ingest, crawl, serve)
    python3 tasks.py soak    kill `newsmill ingest` at random moments 50 times, check nothing is lost
                             (extra arguments go to benchmarks/soak.py, e.g. --trials 200)

Each creates ./.venv and installs newsmill into it when missing or when pyproject.toml or setup.py changed
(`wheel` and `lowest` make venvs of their own in a temporary folder and remove them).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".newsmill-installed"


def ensure_environment() -> None:
    wanted = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "setup.py"))).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing newsmill and its dependencies into .venv ...", file=sys.stderr)
    run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip"])
    run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)


def run(command: list, cwd: Path = ROOT) -> None:
    result = subprocess.run([str(part) for part in command], cwd=cwd)
    if result.returncode != 0:
        sys.exit(result.returncode)


def demo(_: list[str]) -> None:
    db = ROOT / "data" / "newsmill.db"
    run([BIN / "newsmill", "ingest", ROOT / "examples", "--db", db.relative_to(ROOT)])
    print()
    print("Browse the archive in Datasette:")
    print(f"    {(BIN / 'newsmill').relative_to(ROOT)} serve --db {db.relative_to(ROOT)}")
    print("then open http://127.0.0.1:8001/  (or: datasette data/newsmill.db -m config/datasette.yml)")


def test(extra: list[str]) -> None:
    run([PYTHON, "-m", "pytest", *extra])


def quick(extra: list[str]) -> None:
    run([PYTHON, "-m", "pytest", "-m", "not slow", *extra])


def check(_: list[str]) -> None:
    """Static checks, as CI runs them: ruff lint, ruff format, mypy (pyproject.toml configures all three)."""
    run([BIN / "ruff", "check", "."])
    run([BIN / "ruff", "format", "--check", "."])
    run([PYTHON, "-m", "mypy"])


def fail(message: str) -> None:
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


# errors only: in CI the stage lines must not drown in pip's notes on index locations
PIP_QUIET = ["-qq", "--disable-pip-version-check"]


def fresh_venv(folder: Path) -> Path:
    """A new venv in FOLDER with an up-to-date pip; returns its python."""
    venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    python = folder / ("Scripts" if os.name == "nt" else "bin") / "python"
    run([python, "-m", "pip", "install", *PIP_QUIET, "--upgrade", "pip"])
    return python


# --- wheel: the package as users install it --------------------------------------------------

# what a source copy for the wheel build leaves out (venvs, build leftovers, archives)
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "build",
    "dist",
    "*.egg-info",
    "data",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    "*.db",
    "*.db-*",
)


def wheel(_: list[str]) -> None:
    """Build a wheel from a clean copy of the tree, install it (not editable) into a fresh venv,
    then from an empty folder ingest the examples and serve the archive with its metadata."""
    with tempfile.TemporaryDirectory(prefix="newsmill-wheel-") as tmp:
        tmp = Path(tmp)
        source, dist, elsewhere = tmp / "source", tmp / "dist", tmp / "elsewhere"
        shutil.copytree(ROOT, source, ignore=COPY_IGNORE)
        elsewhere.mkdir()
        python = fresh_venv(tmp / "venv")
        quiet = PIP_QUIET
        run([python, "-m", "pip", "wheel", *quiet, "--no-deps", "-w", dist, source])
        (wheel_file,) = dist.glob("newsmill-*.whl")
        shutil.rmtree(source)  # nothing may be read from a source tree from here on
        run([python, "-m", "pip", "install", *quiet, wheel_file])
        newsmill = python.parent / "newsmill"

        # the code and every default come from the installed package, not from this repo
        where = subprocess.run(
            [
                python,
                "-c",
                "import crawler, crawler.cli as c, pipelines.extractors.chrome as p; "
                "print(crawler.__file__); print(c.DATASETTE_METADATA); print(c.SOURCES_FILE); print(p.DEFAULT_PATH)",
            ],
            cwd=elsewhere,
            capture_output=True,
            text=True,
        )
        if where.returncode != 0:
            fail(f"the installed package does not import: {where.stderr.strip()}")
        site = tmp / "venv"
        for line in where.stdout.split():
            if not Path(line).is_file() or not Path(line).resolve().is_relative_to(site.resolve()):
                fail(f"{line} is not a file of the installed package")

        db = tmp / "x.db"
        run([newsmill, "ingest", "-q", ROOT / "examples", "--db", db], cwd=elsewhere)
        with sqlite3.connect(db) as connection:
            ((articles,),) = connection.execute("select count(*) from articles").fetchall()
        if articles == 0:
            fail("ingest of the examples stored no article")

        # serve: Datasette with the shipped metadata answers a canned query the metadata defines
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [newsmill, "serve", "--db", db, "--port", str(port)],
            cwd=elsewhere,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            latest = wait_for_json(f"http://127.0.0.1:{port}/{db.stem}/latest.json?_shape=objects", server)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if not latest.get("rows"):
            fail(f"serve: the canned query 'latest' returned no rows: {latest}")
        print(f"wheel: {wheel_file.name} installed; {articles} articles ingested and served from {elsewhere.name}/")


def wait_for_json(url: str, server: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"serve exited with {server.returncode}: {server.stderr.read().strip()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.3)  # not listening yet
    fail(f"serve did not answer {url} within {timeout:.0f} s")
    raise AssertionError  # unreachable


# --- lowest: the declared lower bounds, installed and tested ---------------------------------

# the smoke subset: ingest the examples, crawl the local fake site, browse with Datasette,
# one scheduler pass (APScheduler and its SQLAlchemy job store)
SMOKE = [
    "tests/test_ingest.py::test_examples_are_stored_once_each_and_searchable",
    "tests/test_crawl.py::test_first_crawl_stores_every_article_from_pages_feeds_and_sitemaps",
    "tests/test_datasette.py",
    "tests/test_schedule.py::test_once_crawls_what_is_due_and_list_shows_the_plan",
]


def lowest_pins() -> list[str]:
    """`name==X` for each direct dependency (and test dependency) of pyproject.toml, X being its
    declared lower bound (`>=X`) or exact pin (`==X`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = []
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        name, spec = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", requirement.split(";")[0]).groups()
        bound = re.search(r"(?:>=|==)\s*([^,\s]+)", spec)
        if not bound:
            fail(f"pyproject.toml: {requirement!r} declares no lower bound")
        pins.append(f"{name}=={bound.group(1)}")
    return pins


def lowest(extra: list[str]) -> None:
    pins = lowest_pins()
    with tempfile.TemporaryDirectory(prefix="newsmill-lowest-") as tmp:
        tmp = Path(tmp)
        constraints = tmp / "lowest.txt"
        constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
        python = fresh_venv(tmp / "venv")
        run([python, "-m", "pip", "install", *PIP_QUIET, "-c", constraints, "-e", f"{ROOT}[test]"])
        run([python, "-m", "pip", "check"])
        print("lowest: " + " ".join(pins), flush=True)
        run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SMOKE, *extra])


def soak(extra: list[str]) -> None:
    run([PYTHON, ROOT / "benchmarks" / "soak.py", "--trials", "50", *extra])


COMMANDS = {"demo": demo, "test": test, "quick": quick, "check": check, "soak": soak, "wheel": wheel, "lowest": lowest}
# these make venvs of their own and need nothing of ./.venv
STANDALONE = {"wheel", "lowest"}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if sys.argv[1] not in STANDALONE:
        ensure_environment()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
