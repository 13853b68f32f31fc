"""Every command a user can type is documented in the README."""

from __future__ import annotations

import argparse

from crawler.cli import build_parser
from tests.conftest import REPO


def subcommands() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = subcommands()
    assert "ingest" in names and "serve" in names
    for name in names:
        assert f"### `newsmill {name}" in readme, f"newsmill {name} is not documented in README.md"


def test_every_command_help_ends_with_an_example():
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                assert (sub.epilog or "").startswith("example: newsmill"), name


def test_quick_start_is_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["python3 tasks.py demo", "python3 tasks.py test"]
