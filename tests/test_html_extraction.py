"""HTML extraction: hand-written golden pages (tests/fixtures/html) and an F1 floor on the
shared article-extraction benchmark (skipped when that folder is absent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks._metric import page_counts, score
from pipelines.extractors.encoding import decode
from pipelines.extractors.html import extract_html
from pipelines.extractors.metadata import clean_author, clean_title, parse_date
from pipelines.extractors.result import Extracted

FIXTURES = Path(__file__).parent / "fixtures" / "html"
BENCHMARK = Path("/work/shared/benchmarks/article-extraction")


def load(name: str, url: str | None = None) -> Extracted | None:
    text, _encoding = decode((FIXTURES / name).read_bytes(), is_html=True)
    return extract_html(text, url=url)


# (page, must contain, must not contain)
GOLDEN = [
    (
        "wordpress_comments.html",
        [
            "Single tickets on the harbour ferry will cost 20 percent more",
            "Opposition wants a cap",
            "paper timetables at the piers",
        ],
        [
            "Leave a Reply",
            "Twenty percent is outrageous",
            "Share this",
            "Your email address will not be published",
            "New bus lanes open",
            "Farmers market moves indoors",
            "All rights reserved",
            "Posted on",
        ],
    ),
    (
        "jsonld_body.html",
        ["Regulators have approved a 40-turbine wind farm", "monitoring of seabird colonies"],
        ["Please enable JavaScript", "About us"],
    ),
    (
        "cookie_newsletter.html",
        [
            "The city museum opened its doors again on Saturday",
            "medieval foundations",
            "adult tickets will cost twelve euros",
        ],
        [
            "We use cookies",
            "Accept all",
            "Get the Courier briefing",
            "Sign up for our free morning newsletter",
            "Subscribe to our newsletter",
            "All rights reserved",
            "By Clara Jensen",
        ],
    ),
    (
        "russian_cp1251.html",
        ["В понедельник в Казани открыли движение по новому мосту", "шумозащитные экраны"],
        ["Читайте также", "Наконец-то", "Все права защищены", "Теги", "13.09.2021"],
    ),
    (
        "site_first_title.html",
        ["A two-day rail strike planned for this week has been called off", "lost trade"],
        ["Share on Facebook", "More stories", "Bridge to close for inspection", "Rail timetable cuts to stay"],
    ),
]


@pytest.mark.parametrize(("name", "present", "absent"), GOLDEN, ids=[case[0] for case in GOLDEN])
def test_golden_body(name: str, present: list[str], absent: list[str]) -> None:
    result = load(name)
    assert result is not None
    text = result.text
    for snippet in present:
        assert snippet in text, snippet
    for snippet in absent:
        assert snippet not in text, snippet
    # the headline is metadata, not the first paragraph
    assert result.title and result.paragraphs[0] != result.title


def test_wordpress_metadata() -> None:
    result = load("wordpress_comments.html")
    assert result.title == "Harbour ferry fares to rise in spring"
    assert result.author == "Maria Olsen"
    assert result.published == "2024-03-05T07:30:00Z"
    assert result.published_origin == "meta"
    assert result.section == "Local"
    assert result.tags == ["transport", "ferries"]
    assert result.site == "Riverside Gazette"
    assert result.canonical_url == "https://riverside-gazette.example/2024/03/05/harbour-ferry-fares-to-rise/"
    assert result.language == "en"


def test_jsonld_body_and_metadata() -> None:
    result = load("jsonld_body.html")
    assert result.method == "json-ld"
    assert len(result.paragraphs) == 5
    assert result.title == "Wind farm approved off the north coast"
    assert result.author == "James Whitfield; Priya Nair"
    assert result.published == "2023-11-14T06:00:00Z"
    assert result.published_origin == "json-ld"
    assert result.section == "Energy"
    assert result.tags == ["wind power", "energy", "north coast"]
    assert result.site == "Coastline Daily"
    assert result.canonical_url == "https://coastline-daily.example/energy/wind-farm-approved"


def test_cookie_page_metadata_and_removals() -> None:
    result = load("cookie_newsletter.html")
    assert result.title == "Museum reopens after three-year renovation"
    assert result.site == "Metro Courier"
    assert result.published == "2022-06-18"
    assert result.tags == ["museum", "culture", "city"]
    rules = {removal.rule for removal in result.removed}
    assert "title-echo" in rules
    assert any(rule.startswith("phrase:") or rule == "tail-chrome" for rule in rules)


def test_detector_overrules_a_wrong_template_language() -> None:
    pytest.importorskip("py3langid")
    # the template says lang="de"; the article is in English
    assert load("cookie_newsletter.html").language == "en"


def test_russian_cp1251_page() -> None:
    result = load("russian_cp1251.html")
    assert result.language == "ru"
    assert result.title == "В Казани открыли новый мост через Казанку"
    assert result.author == "Ирина Петрова"
    assert result.published == "2021-09-13T06:32:00Z"
    assert result.site == "Вечерние новости"


def test_site_name_before_title_and_url_date() -> None:
    result = load("site_first_title.html")
    assert result.title == "Rail strike called off after late pay offer"
    assert result.author == "Daniel Hughes"
    assert result.section == "Business"
    assert result.tags == ["rail", "strike", "unions"]
    assert result.published == "2023-10-09"
    assert result.published_origin == "url"


def test_listing_page_is_not_an_article() -> None:
    assert load("listing.html") is None


@pytest.mark.parametrize("html", ["", "   ", "not html at all", "<html><body></body></html>", "\x00\x01binary"])
def test_junk_returns_none(html: str) -> None:
    assert extract_html(html) is None


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        ("Big storm hits coast | The Courier", "The Courier", None, "Big storm hits coast"),
        ("The Courier | Big storm hits coast", "The Courier", None, "Big storm hits coast"),
        ("Big storm hits coast - courier.example", None, "courier.example", "Big storm hits coast"),
        ("Big storm hits coast — The Courier", "The Courier", None, "Big storm hits coast"),
        # a dash inside the headline is not a site suffix
        ("Q&A - what the storm means for you", "The Courier", "courier.example", "Q&A - what the storm means for you"),
    ],
)
def test_clean_title(title: str, site: str | None, host: str | None, expected: str) -> None:
    assert clean_title(title, site, host) == expected


def test_clean_author() -> None:
    assert clean_author("By Jane Doe, Staff Writer") == "Jane Doe"
    assert clean_author("By John Smith and Ann Lee") == "John Smith; Ann Lee"
    assert clean_author("https://facebook.com/someone") is None


def test_dates_are_never_in_the_future() -> None:
    tomorrow_plus = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert parse_date(tomorrow_plus) is None
    assert parse_date("0001-01-01") is None
    assert parse_date("2019-11-19T10:00:00-05:00") == "2019-11-19T15:00:00Z"
    assert parse_date("2019-11-19") == "2019-11-19"


def test_metric_matches_upstream_conventions() -> None:
    assert page_counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    assert score([("", "")]).f1 == 1.0
    assert score([("one two three four five", "")]).precision == 0.0


# Reached F1 0.9788 / precision 0.9755 on all 181 pages (halves 0.9798 and 0.9778) when
# these floors were set; they sit about 0.005 below so dependency updates do not make them flaky.
F1_FLOOR = 0.974
PRECISION_FLOOR = 0.970
HALF_F1_FLOOR = 0.972


@pytest.mark.skipif(not (BENCHMARK / "ground-truth.json").exists(), reason="shared benchmark data not present")
@pytest.mark.slow
def test_benchmark_f1_floor() -> None:
    from benchmarks.extraction import held_out, load_pages

    pages = load_pages(BENCHMARK)
    outputs = {}
    for page_id, url, html, _truth in pages:
        result = extract_html(html, url=url)
        outputs[page_id] = result.text if result else ""
    truth = {page_id: body for page_id, _url, _html, body in pages}
    overall = score([(truth[i], outputs[i]) for i in truth])
    assert overall.f1 >= F1_FLOOR, overall
    assert overall.precision >= PRECISION_FLOOR, overall
    for half in ("0-7", "8-f"):
        part = score([(truth[i], outputs[i]) for i in truth if held_out(i) == half])
        assert part.f1 >= HALF_F1_FLOOR, (half, part)


def _page(head: str) -> str:
    body = "".join(
        f"<p>Paragraph {i} of a report on the harbour works, long enough to be prose rather than a caption, "
        f"with a second clause so that it reads like a sentence from a real article about the town.</p>"
        for i in range(6)
    )
    return f"<html><head>{head}</head><body><article><h1>Harbour works begin</h1>{body}</article></body></html>"


def test_broken_jsonld_and_future_meta_date_fall_back() -> None:
    head = (
        "<title>Harbour works begin</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="article:published_time" content="2999-01-01T00:00:00Z">'
    )
    result = extract_html(_page(head), url="https://town.example/2020/05/17/harbour-works")
    assert result is not None
    assert result.title == "Harbour works begin"
    # the future meta date is refused; the URL's date is the next source
    assert result.published == "2020-05-17"
    assert result.published_origin == "url"
    assert not result.paragraphs[0].startswith("Harbour works begin")
