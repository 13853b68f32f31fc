"""Plain element classes change how fast a page is read, never what is read from it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from pipelines.extractors import element_classes
from pipelines.extractors.html import extract_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction" / "html"


def _pages() -> list[str]:
    pages = [path.read_bytes().decode("utf-8", "replace") for path in sorted(FIXTURES.glob("*.html"))]
    # a third of the shared pages keeps the test short; every one of them agreed when measured
    pages += [
        gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in sorted(SHARED.glob("*.html.gz"))[::3]
    ]
    return pages


def _extract_all(pages: list[str]) -> list:
    return [extract_html(page, url="https://example.org/news/story") for page in pages]


@pytest.mark.slow
def test_extraction_is_identical_with_lxml_own_classes():
    pages = _pages()
    element_classes.use_lxml_element_classes()
    try:
        expected = _extract_all(pages)
    finally:
        element_classes.use_plain_element_classes()
    assert _extract_all(pages) == expected
    # the comparison must cover real articles, not only pages that yield nothing
    assert sum(result is not None for result in expected) >= 4


@pytest.mark.parametrize("tag", ["form", "input", "select", "label", "div"])
def test_every_element_is_a_plain_html_element(tag):
    tree = load_html(f"<html><body><{tag} id='x'>text</{tag}><p>more text</p></body></html>")
    element = tree.get_element_by_id("x") if tag != "input" else tree.find(".//input")
    assert type(element) is HtmlElement
    assert element.text_content() == ("text" if tag != "input" else "")
