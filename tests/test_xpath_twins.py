"""Every Python twin finds exactly what trafilatura's XPath finds, in the same order."""

from __future__ import annotations

import copy
import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from trafilatura import xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from pipelines.extractors import xpath_twins
from pipelines.extractors.xpath_twins import TWINS, Twin

FIXTURES = Path(__file__).parent / "fixtures" / "html"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction" / "html"
TWIN_NAMES = [f"{name}[{index}]" for name, index, _, _ in TWINS]


@pytest.fixture(scope="module", autouse=True)
def twins_installed():
    xpath_twins.install()
    yield


def _twins() -> list[Twin]:
    return [getattr(xpaths, name)[index] for name, index, _, _ in TWINS]


def _same(tree) -> None:
    # from the root and from inside: `//` expressions search the whole document either way
    body = tree.find(".//body")
    for context in (tree, body) if body is not None else (tree,):
        for twin in _twins():
            expected, found = twin.xpath(context), twin(context)
            assert found == expected, twin.path[:120]


def _stages(html: str):
    """The raw tree and trafilatura's cleaned, tag-converted tree: the twins meet both."""
    tree = load_html(html)
    options = Extractor()
    return tree, convert_tags(tree_cleaning(copy.deepcopy(tree), options), options)


def test_the_pinned_trafilatura_gets_every_twin():
    # a trafilatura upgrade that rewrites an expression keeps its XPath (correct, slower);
    # this says so, so that the twin is re-checked against the new text
    assert xpath_twins.install() == TWIN_NAMES
    assert all(isinstance(twin, Twin) for twin in _twins())


def test_a_changed_expression_keeps_its_xpath():
    changed = etree.XPath(".//*[self::div][re:test(@id, 'comment')]", namespaces={"re": xpaths.REGEXP_NS})
    kept = xpaths.REMOVE_COMMENTS_XPATH[0]
    xpaths.REMOVE_COMMENTS_XPATH[0] = changed
    try:
        assert "REMOVE_COMMENTS_XPATH[0]" not in xpath_twins.install()
        assert xpaths.REMOVE_COMMENTS_XPATH[0] is changed
    finally:
        xpaths.REMOVE_COMMENTS_XPATH[0] = kept


def test_uninstall_gives_trafilatura_its_own_expressions_back():
    xpath_twins.uninstall()
    try:
        assert not any(isinstance(getattr(xpaths, name)[index], Twin) for name, index, _, _ in TWINS)
    finally:
        xpath_twins.install()


def test_a_whole_document_goes_to_the_xpath():
    tree = load_html('<html><body><div id="comments">x</div></body></html>')
    document = tree.getroottree()
    for twin in _twins():
        assert twin(document) == twin.xpath(document)


@pytest.mark.parametrize("page", sorted(FIXTURES.glob("*.html")), ids=lambda path: path.name)
def test_own_pages(page):
    for tree in _stages(page.read_bytes().decode("utf-8", "replace")):
        _same(tree)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared benchmark pages not present")
@pytest.mark.slow
def test_benchmark_pages():
    pages = sorted(SHARED.glob("*.html.gz"))
    assert pages
    for page in pages:
        for tree in _stages(gzip.decompress(page.read_bytes()).decode("utf-8", "replace")):
            _same(tree)


# Values chosen to hit each branch of the expressions: tokens at the start, inside and at the
# end of a value, case variants, look-alikes, and both attributes of a `@a|@b` pair.
VALUES = [
    "",
    "post",
    "entry",
    "comments-title",
    "comment-list",
    "Comments box",
    "commentary",
    "comol",
    "disqus_thread",
    "reply-to",
    "x-reply-y",
    "hidden",
    "is-hidden",
    "hide-me",
    "nav",
    "NAV main",
    "Navigation",
    "share-bar",
    "sharing",
    "social",
    "cookie-notice",
    "footer",
    "ad-slot",
    " ad ",
    "article-body",
    "articleBody",
    "articleContent",
    "post-content",
    "mvp-post-add-box",
    "infinite-scroll",
    "infinitescroll",
    "author",
    "byline",
    "display:none",
    "display: none",
    "color: red",
    "true",
    "false",
    "MostPopularStories",
    "main-content",
    "primary",
    "author-name",
    "AuthorName",
    "AuthorCard",
    "AuthorURL",
    "Byline",
    "username",
    "writer",
    "comments",
    "title",
    "date",
    "Figure",
    "sidebar",
    "print",
    "me",
    "author name",
]
TAGS = [
    "div",
    "section",
    "p",
    "span",
    "ol",
    "ul",
    "list",
    "item",
    "article",
    "main",
    "aside",
    "details",
    "h1",
    "a",
    "address",
    "link",
    "strong",
    "h3",
    "h4",
    "author",
    "rel",
    "time",
    "figure",
]
ATTRIBUTES = [
    "id",
    "class",
    "style",
    "role",
    "aria-hidden",
    "data-component",
    "itemprop",
    "data-lp-replacement-content",
    "rel",
    "data-testid",
]


@st.composite
def trees(draw, depth: int = 0):
    tag = draw(st.sampled_from(TAGS))
    names = draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True, max_size=4))  # order matters
    attributes = "".join(f' {name}="{draw(st.sampled_from(VALUES))}"' for name in names)
    children = draw(st.lists(trees(depth + 1), max_size=0 if depth >= 3 else 4))
    text = draw(st.sampled_from(["t", "me"]))
    return f"<{tag}{attributes}>{text}{''.join(children)}</{tag}>"


@settings(max_examples=200, deadline=None)
@given(st.lists(trees(), min_size=1, max_size=4))
@pytest.mark.slow
def test_generated_trees(bodies):
    html = "<html><body>" + "".join(bodies) + "</body></html>"
    tree = etree.fromstring(html, etree.HTMLParser())
    _same(tree)
    _same(load_html(html))
