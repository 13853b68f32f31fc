"""config/sources.toml: the shape scripts write, validated on load with errors naming source and key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from crawler.sources import SourceError, load_sources, parse_duration

ROOT = Path(__file__).resolve().parents[1]

EXAMPLE = """
[sources.example]
start_urls = ["https://example.com/"]
feeds      = ["https://example.com/feed/"]
sitemaps   = ["https://example.com/sitemap.xml"]
allow      = ["/news/", "/20[0-9]{2}/"]
deny       = ["/tag/"]
every      = "30m"
max_pages  = 500
language   = "en"

[sources.cron-site]
feeds    = ["https://www.example.org/rss"]
schedule = "*/30 * * * *"
revisit  = "24h"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_documented_shape_loads(tmp_path):
    sources = load_sources(write(tmp_path, EXAMPLE))
    example = sources["example"]
    assert example.start_urls == ("https://example.com/",)
    assert example.feeds == ("https://example.com/feed/",)
    assert example.sitemaps == ("https://example.com/sitemap.xml",)
    assert example.every == 1800 and example.schedule is None
    assert example.max_pages == 500 and example.language == "en"
    assert example.revisit_after is None  # default: never re-fetch a stored article
    assert example.hosts == {"example.com"}
    assert example.is_article("https://example.com/news/harbour.html")
    assert example.is_article("https://example.com/2026/11/harbour.html")
    assert not example.is_article("https://example.com/about/")
    assert not example.is_article("https://example.com/tag/news/")  # deny wins over allow

    cron = sources["cron-site"]
    assert cron.schedule == "*/30 * * * *" and cron.every is None
    assert cron.revisit_after == 24 * 3600
    assert cron.max_pages == 500
    assert cron.is_article("https://www.example.org/anything")  # no allow rules: every page is a candidate


def test_shipped_config_is_a_valid_commented_example():
    text = (ROOT / "config" / "sources.toml").read_text(encoding="utf-8")
    assert "[sources.example]" in text
    assert load_sources(ROOT / "config" / "sources.toml") == {}  # nothing live until a user adds a source
    # the commented example itself must be valid when uncommented
    example = text[text.index("# [sources.example]") :].splitlines()
    uncommented = "\n".join(line[2:] for line in example if line.startswith("# ") and ("=" in line or "[" in line[:3]))
    assert "example" in load_sources_from_text(uncommented)


def load_sources_from_text(text: str):
    import tomllib

    from crawler.sources import parse_sources

    return parse_sources(tomllib.loads(text))


@pytest.mark.parametrize(
    "table, message",
    [
        ('feeds = ["https://a.test/rss"]\nmax_page = 3', "source 'bad': unknown key 'max_page'"),
        ('feeds = ["https://a.test/rss"]\nevery = "often"', "source 'bad': key 'every'"),
        ('feeds = ["https://a.test/rss"]\nevery = 30', "source 'bad': key 'every'"),
        ('feeds = ["https://a.test/rss"]\nschedule = "*/30 * * *"', "source 'bad': key 'schedule'"),
        ('feeds = ["https://a.test/rss"]\nschedule = "61 * * * *"', "source 'bad': key 'schedule'"),
        ('feeds = ["https://a.test/rss"]\nevery = "1h"\nschedule = "0 * * * *"', "source 'bad': key 'schedule'"),
        ('feeds = ["ftp://a.test/rss"]', "source 'bad': key 'feeds'"),
        ('feeds = ["file:///etc/passwd"]', "source 'bad': key 'feeds'"),
        ('start_urls = "https://a.test/"\nallow = ["(unclosed"]', "source 'bad': key 'allow'"),
        ('feeds = ["https://a.test/rss"]\ndeny = [3]', "source 'bad': key 'deny'"),
        ('feeds = ["https://a.test/rss"]\nmax_pages = 0', "source 'bad': key 'max_pages'"),
        ('feeds = ["https://a.test/rss"]\nmax_pages = "10"', "source 'bad': key 'max_pages'"),
        ('feeds = ["https://a.test/rss"]\nrevisit = "sometimes"', "source 'bad': key 'revisit'"),
        ('feeds = ["https://a.test/rss"]\nlanguage = "english please"', "source 'bad': key 'language'"),
        ('allow = ["/news/"]', "source 'bad': needs at least one of start_urls, feeds, sitemaps"),
    ],
)
def test_errors_name_the_source_and_the_key(tmp_path, table, message):
    path = write(tmp_path, f"[sources.bad]\n{table}\n")
    with pytest.raises(SourceError) as caught:
        load_sources(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_file_level_errors(tmp_path):
    with pytest.raises(SourceError, match="no such sources file"):
        load_sources(tmp_path / "missing.toml")
    with pytest.raises(SourceError, match="not valid TOML"):
        load_sources(write(tmp_path, "[sources.x\n"))
    with pytest.raises(SourceError, match="unknown top-level key"):
        load_sources(write(tmp_path, "[source.x]\nfeeds = []\n"))


@pytest.mark.parametrize("text, seconds", [("45s", 45), ("30m", 1800), ("1.5h", 5400), ("2d", 172800), ("1w", 604800)])
def test_durations(text, seconds):
    assert parse_duration(text, "here") == seconds


def test_revisit_policies(tmp_path):
    path = write(
        tmp_path,
        """
        [sources.a]
        feeds = ["https://a.test/rss"]
        revisit = "never"
        [sources.b]
        feeds = ["https://a.test/rss"]
        revisit = "always"
        [sources.c]
        feeds = ["https://a.test/rss"]
        revisit = "6h"
    """,
    )
    sources = load_sources(path)
    assert [sources[name].revisit_after for name in "abc"] == [None, 0, 6 * 3600]
