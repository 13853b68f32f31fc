"""Plain-text dump cleaner: seeds, labelled fixtures, quality floor, chrome look-alikes, datelines."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipelines.extractors.chrome import ChromePhrases
from pipelines.extractors.dateline import parse_dateline
from pipelines.extractors.textdump import (
    clean_text_dump,
    countable_lines,
    learn_repeated_lines,
    line_key,
)

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
DUMPS = REPO / "tests" / "fixtures" / "dumps"


def _benchmark():
    spec = importlib.util.spec_from_file_location("textdump_benchmark", REPO / "benchmarks" / "textdump.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _benchmark()
CASES = bench.load_cases(DUMPS)
REPEATS = bench.batch_repeats(CASES)


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {path} not present")
    return path.read_text(encoding="utf-8")


# --- seeds -------------------------------------------------------------------------


def test_seed_000_wordpress_news():
    result = clean_text_dump(_seed("000_494d6f47ca38feeb.txt"))
    assert result is not None
    assert result.title == "Reeker: U.S. ready to assist in Azerbaijan-Armenia border demarcation"
    assert result.section == "Nagorno-Karabakh"
    assert result.paragraphs[0].startswith("Washington is ready")
    assert result.paragraphs[-1].endswith("extended this year too.")
    assert "Azerbaijan strong US partner" in result.paragraphs
    for chrome in ("Published", "on", "Leave a Reply", "Trending", "Exit mobile version"):
        assert chrome not in result.paragraphs
    assert not any(p.startswith("Your email address") for p in result.paragraphs)
    assert result.method == "textdump"
    assert {r.text for r in result.removed} >= {"Published", "on", "Leave a Reply", "Trending"}


def test_seed_004_title_first_line():
    result = clean_text_dump(_seed("004_92bfb2213d6b302e.txt"))
    assert result is not None
    assert result.title == (
        "Eric Rubin: US security assistance to Azerbaijan should not be used for offensive purposes against Armenia"
    )
    assert result.section is None
    assert result.paragraphs[0].startswith("“Where we do provide")
    assert result.paragraphs[-1].endswith("more constructive phase of negotiations.”")
    assert "Show More" not in result.text and "Back to top button" not in result.text


# --- labelled fixtures ---------------------------------------------------------------


def test_enough_labelled_dumps():
    assert len(CASES) >= 30
    assert {case.expected["language"] for case in CASES} >= {"en", "ru", "az", "hy", "ka"}
    assert sum(1 for case in CASES if not case.batch.startswith("single:")) >= 6


@pytest.mark.parametrize("case", CASES, ids=[str(c.path.relative_to(DUMPS)) for c in CASES])
def test_labelled_dump(case):
    result = clean_text_dump(case.text, repeated_lines=REPEATS[case.batch])
    assert result is not None
    expected = case.expected
    for paragraph in expected["body"]:
        assert paragraph in result.paragraphs
    leaked = [line for line in bench.chrome_lines(case) if line in result.paragraphs]
    assert leaked == []
    assert result.title == expected["title"]
    assert result.section == expected["section"]
    assert result.published == expected["published"]
    assert result.language == expected["language"]
    if expected["published"]:
        # a dateline's time that states no zone was read as UTC, and the origin says so
        notes = ["", " (no zone given, read as UTC)"] if "T" in expected["published"] else [""]
        assert result.published_origin in ["dateline" + note for note in notes]


def test_quality_floor():
    score = bench.score(CASES, bench.run_textdump(CASES))
    assert score.f1 >= 0.98, score
    assert score.leaked_pct <= 1.0, score
    assert score.title_pct >= 93.0, score


def test_batch_lines_only_go_with_repetition():
    steppe = [case for case in CASES if case.batch == "steppe"]
    assert len(steppe) >= 3
    alone = clean_text_dump(steppe[0].text)
    in_batch = clean_text_dump(steppe[0].text, repeated_lines=REPEATS["steppe"])
    site_line = "Steppe Courier is free to read thanks to our members"
    assert site_line in alone.paragraphs
    assert site_line not in in_batch.paragraphs
    assert any(r.rule == "repeated-in-batch" and r.text == site_line for r in in_batch.removed)
    # the section label repeats too, yet is still read as the section
    assert in_batch.section == steppe[0].expected["section"]


# --- chrome look-alikes in the body ---------------------------------------------------

ARTICLE = """World

Ministers meet to agree on new housing plan

Published

on

{body}

The plan will be presented to parliament next month, the ministry said.

Leave a Reply

Your email address will not be published. Required fields are marked *

Trending
"""


@pytest.mark.parametrize(
    "sentence",
    [
        "Leave a reply to this survey by Friday, the ministry asked residents.",
        "Back to top priority for the ministry is affordable housing in the regions.",
        "The party's share of the vote fell to 31 percent in the last poll.",
        "Trending upward, prices for building materials rose 6 percent in May.",
        "Show more patience with the builders, the minister told the mayors.",
        "Related projects in the capital will be reviewed by an independent commission.",
        "Читайте также сообщение министерства, опубликованное в среду на его сайте.",
    ],
)
def test_chrome_like_body_sentence_survives(sentence):
    body = "The cabinet met on Monday to discuss a new housing programme for young families.\n\n" + sentence
    result = clean_text_dump(ARTICLE.format(body=body))
    assert result is not None
    assert sentence in result.paragraphs
    assert "Leave a Reply" not in result.paragraphs


def test_phrases_match_whole_lines_only():
    phrases = ChromePhrases.load()
    assert phrases.match("Leave a Reply") == "comment-form"
    assert phrases.match("Leave a reply to this survey by Friday") is None
    assert phrases.match("Back to top button") == "navigation"
    assert phrases.match("Back to top priority for the ministry is housing") is None
    assert phrases.match("Facebook Twitter WhatsApp Telegram") == "share"
    assert phrases.match("Читайте также: В Баку открылся форум") == "read-also"
    assert phrases.match("© 2021 Some Agency. All rights reserved.") == "copyright"
    assert phrases.match("All rights reserved, the company said in a statement.") is None
    assert phrases.match("Tags: Armenia, Azerbaijan") == "tags"
    assert phrases.match("• Related posts") == "related"


def test_default_phrase_file_is_found_from_the_package():
    assert ChromePhrases.load().rules
    assert ChromePhrases.load(REPO / "config" / "chrome_phrases.toml").rules


# --- structure -----------------------------------------------------------------------


def test_breadcrumb_gives_section_and_is_removed():
    text = (
        "Home > World > Europe\n\nRail strike halts trains across the country\n\n"
        "Updated 9 June 2021\n\nTrains stopped across the country on Wednesday as rail workers walked out over pay.\n\n"
        "The union said the strike would last 48 hours.\n\nTags: rail, strikes\n"
    )
    result = clean_text_dump(text)
    assert result.section == "Europe"
    assert result.title == "Rail strike halts trains across the country"
    assert result.published == "2021-06-09"
    assert result.paragraphs == [
        "Trains stopped across the country on Wednesday as rail workers walked out over pay.",
        "The union said the strike would last 48 hours.",
    ]
    assert {r.rule for r in result.removed} >= {"structure:breadcrumb", "structure:dateline", "phrase:tags"}


def test_byline_becomes_author():
    text = (
        "Central bank keeps rates on hold for a third month\n\nBy Jane Doe\n\n"
        "The central bank left its key rate unchanged on Thursday, citing slowing inflation.\n"
    )
    result = clean_text_dump(text)
    assert result.author == "Jane Doe"
    assert result.paragraphs == ["The central bank left its key rate unchanged on Thursday, citing slowing inflation."]


def test_tail_short_lines_dropped_and_subheading_kept():
    text = (
        "Farmers expect record hazelnut crop this autumn\n\n"
        "The hazelnut harvest could exceed 80,000 tonnes this year, the ministry said.\n\n"
        "Prices\n\n"
        "Purchase prices have so far stayed at last year's level, producers said.\n\n"
        "Weather forecast for the weekend\n\nFootball scores\n"
    )
    result = clean_text_dump(text)
    assert "Prices" in result.paragraphs
    assert result.paragraphs[-1].startswith("Purchase prices")
    assert [r.rule for r in result.removed] == ["tail:short-lines", "tail:short-lines"]


def test_title_less_brief_keeps_label_as_section():
    text = (
        "Politics\n\nBAKU, June 9. Parliament approved the amended budget in a second reading on Tuesday.\n\n"
        "The vote was 85 to 12.\n"
    )
    result = clean_text_dump(text)
    assert result.title is None
    assert result.section == "Politics"
    assert result.paragraphs[-1] == "The vote was 85 to 12."


def test_headline_printed_twice_is_not_body():
    title = "Waterfront tram line gets green light after five-year wait at the council"
    text = f"{title}\n\n{title}\n\nThe city council approved a tram line along the waterfront on Tuesday.\n"
    result = clean_text_dump(text)
    assert result.title == title
    assert result.paragraphs == ["The city council approved a tram line along the waterfront on Tuesday."]
    assert [r.rule for r in result.removed] == ["structure:title-repeat"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  \n",
        "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n\nTrending\n\nExit mobile version\n",
        "Share\n\nFacebook\n\nTwitter\n\nShow More\nBack to top button\n",
        "Politics\n\nSome headline about nothing much\n\nPublished\n\non\n",
    ],
)
def test_nothing_article_like_returns_none(text):
    assert clean_text_dump(text) is None


# --- batch repetition helpers ---------------------------------------------------------


def test_line_key_folds_case_space_punctuation_and_digits():
    assert line_key("  © 2021  Foo News. ") == line_key("© 2023 foo news")
    assert line_key("Views: 12") == line_key("views 340")
    assert line_key("Reklam") != line_key("Reklama")


def test_countable_lines_skips_paragraphs():
    long_line = "word " * 60
    keys = countable_lines(f"Short line\n\n{long_line}\n\nAnother one")
    assert keys == {"short line", "another one"}


def test_learn_repeated_lines_needs_count_and_share():
    texts = [f"Site footer\n\nStory {word}" for word in ("alpha", "beta", "gamma")]
    texts += ["Story delta", "Story epsilon", "Site footer\n\nStory zeta"]
    # 4 of 6 dumps: enough by count and by share
    assert learn_repeated_lines(texts) == frozenset({"site footer"})
    assert learn_repeated_lines(texts, min_share=0.7) == frozenset()
    assert learn_repeated_lines(texts[:2]) == frozenset()
    # numbers are folded, so "Story 1" .. "Story 3" count as one line
    assert learn_repeated_lines([f"Story {i}" for i in range(3)]) == frozenset({"story 0"})


# --- datelines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("June 9, 2021", "2021-06-09"),
        ("9 June 2021", "2021-06-09"),
        ("Jun 9th, 2021 at 2:32 pm", "2021-06-09T14:32"),
        ("09.06.2021 14:32", "2021-06-09T14:32"),
        ("13.09.2021 | 09:32", "2021-09-13T09:32"),
        ("2021-06-09", "2021-06-09"),
        ("2021-06-09T14:32:00", "2021-06-09T14:32"),
        ("Published on June 9, 2021", "2021-06-09"),
        ("Updated: Wednesday, 9 June 2021 14:32 GMT", "2021-06-09T14:32Z"),
        ("By Jane Doe | June 9, 2021", "2021-06-09"),
        ("9 июня 2021", "2021-06-09"),
        ("Опубликовано: 9 июня 2021, 14:32", "2021-06-09T14:32"),
        ("12 мая 2021 г., 10:05", "2021-05-12T10:05"),
        ("1 марта 2020", "2020-03-01"),
        ("9 iyun 2021, 14:32", "2021-06-09T14:32"),
        ("20 oktyabr 2022", "2022-10-20"),
        ("9 հունիսի, 2021", "2021-06-09"),
        ("2021 թ. հունիսի 9, 14:32", "2021-06-09T14:32"),
        ("9 ივნისი, 2021 14:32", "2021-06-09T14:32"),
    ],
)
def test_dateline_formats(line, expected):
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Published",
        "on",
        "31.02.2021",
        "On June 9, 2021, the ministry said that the border talks would resume in Vienna next month.",
        "Reeker: U.S. ready to assist in border demarcation",
    ],
)
def test_not_a_dateline(line):
    assert parse_dateline(line) is None


def test_future_dates_are_rejected():
    tomorrow = date.today() + timedelta(days=2)
    assert parse_dateline(tomorrow.isoformat()) is None
    assert parse_dateline(tomorrow.strftime("%d.%m.%Y 10:00")) is None
    assert parse_dateline("January 1, 2099") is None
    result = clean_text_dump(
        "Plan for the new bridge unveiled by the city\n\n01.01.2099\n\n"
        "The city unveiled plans for a new bridge across the river on Monday.\n"
    )
    assert result.published is None


# --- language ------------------------------------------------------------------------


def test_language_left_empty_when_unsure():
    text = "Nuevo puente en la ciudad\n\nLa ciudad presentó el lunes los planes para un nuevo puente sobre el río.\n"
    assert clean_text_dump(text).language is None


def test_expected_json_shape():
    for case in CASES:
        assert set(case.expected) == {"title", "section", "published", "body", "language"}
        json.dumps(case.expected)


# --- robustness ----------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402  # kept with the robustness tests that use it
from hypothesis import strategies as st  # noqa: E402  # kept with the robustness tests that use it

_LINES = st.sampled_from(
    [
        "Leave a Reply",
        "Share",
        "Politics",
        "Published",
        "on",
        "9 June 2021",
        "Back to top button",
        "Ministers meet to agree on new housing plan",
        "The cabinet met on Monday to discuss a new housing programme.",
        "Читайте также: В Баку открылся форум",
        "Trending",
        "",
    ]
) | st.text(max_size=80)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINES, max_size=25))
def test_never_raises_and_never_returns_empty_body(lines):
    result = clean_text_dump("\n\n".join(lines))
    if result is not None:
        assert result.paragraphs and all(p.strip() for p in result.paragraphs)
        assert result.method == "textdump"
        # every input line is accounted for exactly once: body, title, section or removed
        accounted = len(result.paragraphs) + len(result.removed) + (result.title is not None)
        accounted += result.section is not None and not any(r.rule == "structure:breadcrumb" for r in result.removed)
        assert accounted == len([line for line in "\n\n".join(lines).splitlines() if line.strip()])
