"""Whole-line page-chrome phrases ("Leave a Reply", "Читайте также: …"), loaded from TOML.

The phrases live in config/chrome_phrases.toml rather than code so that adding a site's
boilerplate is a data change. Matching is whole-line only: chrome is a line that *is*
the phrase, while prose that merely starts with it ("Back to top priority for the
ministry is …") must survive. The same object serves the text-dump cleaner and can
post-filter paragraphs from any other extractor.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from crawler.defaults import config_file

logger = logging.getLogger(__name__)

# ./config/chrome_phrases.toml in the current folder, else the default shipped with newsmill
DEFAULT_PATH = config_file("chrome_phrases.toml")

# Bullets, arrows, quotes and trailing colons decorate chrome without changing what it is.
_EDGE = r"[\W_]*"
# The longest chrome (a cookie notice) is a few hundred characters; longer lines are prose,
# and skipping them keeps backtracking on pathological lines bounded.
MAX_CHROME_CHARS = 500


@dataclass(frozen=True)
class ChromeRule:
    name: str
    pattern: re.Pattern[str]
    # a heading after which nothing belongs to the article (comment forms, related lists)
    stop: bool = False
    # a bare heading whose link is the next line ("Read also" / <headline>)
    next_line: bool = False


class ChromePhrases:
    def __init__(self, rules: list[ChromeRule]):
        self.rules = rules
        # One alternation tried left to right finds the same first matching rule as a loop
        # over the rules, in one pass of the regex engine instead of one per rule.
        self._any_rule = re.compile(
            "|".join(f"(?P<r{index}>{rule.pattern.pattern})" for index, rule in enumerate(rules)) or "(?!)",
            re.IGNORECASE,
        )
        # the same chrome lines recur in every document of a site
        self.match_rule = functools.lru_cache(maxsize=1 << 15)(self._match_rule)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ChromePhrases:
        path = Path(path) if path is not None else DEFAULT_PATH
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        rules = []
        for entry in data.get("rule", []):
            alternatives = "|".join(f"(?:{pattern})" for pattern in entry["patterns"])
            try:
                compiled = re.compile(f"{_EDGE}(?:{alternatives}){_EDGE}", re.IGNORECASE)
            except re.error as error:
                raise ValueError(f"{path}: rule {entry.get('name')!r}: {error}") from error
            rules.append(
                ChromeRule(
                    entry["name"],
                    compiled,
                    stop=bool(entry.get("stop", False)),
                    next_line=bool(entry.get("next_line", False)),
                )
            )
        logger.debug("loaded %d chrome rules from %s", len(rules), path)
        return cls(rules)

    def _match_rule(self, line: str) -> ChromeRule | None:
        text = " ".join(line.split())
        if not text or len(text) > MAX_CHROME_CHARS:
            return None
        found = self._any_rule.fullmatch(text)
        if found is None or found.lastgroup is None:
            return None
        return self.rules[int(found.lastgroup[1:])]

    def match(self, line: str) -> str | None:
        """Name of the rule that makes `line` chrome, or None if it may be content."""
        rule = self.match_rule(line)
        return rule.name if rule else None


_default: ChromePhrases | None = None


def default_phrases() -> ChromePhrases:
    """The repo's phrase file, parsed once per process."""
    global _default
    if _default is None:
        _default = ChromePhrases.load()
    return _default
