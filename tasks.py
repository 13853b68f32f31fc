#!/usr/bin/env python3
"""Quick start with nothing but python3:

    python3 tasks.py demo    ingest the bundled examples into data/newsmill.db, show how to browse
    python3 tasks.py test    run the test suite (extra arguments go to pytest)
    python3 tasks.py soak    kill `newsmill ingest` at random moments 50 times, check nothing is lost
                             (extra arguments go to benchmarks/soak.py, e.g. --trials 200)

Each creates ./.venv and installs newsmill into it when missing or when pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".newsmill-installed"


def ensure_environment() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing newsmill and its dependencies into .venv ...", file=sys.stderr)
    run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip"])
    run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)


def run(command: list) -> None:
    result = subprocess.run([str(part) for part in command], cwd=ROOT)
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


def soak(extra: list[str]) -> None:
    run([PYTHON, ROOT / "benchmarks" / "soak.py", "--trials", "50", *extra])


COMMANDS = {"demo": demo, "test": test, "soak": soak}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ensure_environment()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
