"""Python twins of trafilatura's most expensive XPath expressions.

Why: trafilatura's boilerplate expressions call EXSLT `re:test`, which lxml answers with one
Python callback per element and attribute. On news pages those callbacks were about a third
of our extraction time (`benchmarks/xpath_twins.py` measures it). One Python walk over the
candidate elements, with the same `re` patterns, finds the same elements in the same order
for a fraction of the cost.

Safety: a twin takes the place of an expression only while trafilatura carries exactly the
expression text it was written against (checked by SHA-256); any other trafilatura keeps its
own XPath, correct and merely slower, and one WARNING says so. The regular expressions are
read out of that text, never restated here. `tests/test_xpath_twins.py` checks every twin
against its XPath; the lists are trafilatura internals, reached through
pipelines/private_apis.py (tests/test_private_apis.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lxml import etree

from pipelines.private_apis import expression_hash, trafilatura_xpath_list, warn_once

logger = logging.getLogger(__name__)

_RE_TEST = re.compile(r"re:test\((@[\w|@-]+), '([^']*)'(?:, '(\w*)')?\)")

Finder = Callable[[etree._Element], list[etree._Element]]


class _Test:
    """One `re:test`: an absent attribute is tested as "" (XPath's string of an empty set)."""

    __slots__ = ("search", "on_empty")

    def __init__(self, pattern: str, flags: str | None):
        self.search = re.compile(pattern, re.I if "i" in (flags or "") else 0).search
        self.on_empty = self.search("") is not None

    def __call__(self, value: str | None) -> bool:
        return self.search(value) is not None if value else self.on_empty


def _tests(source: str) -> list[_Test]:
    """The `re:test` calls of an expression, in the order they are written."""
    return [_Test(pattern, flags) for _, pattern, flags in _RE_TEST.findall(source)]


def _written_first(names: list[str], first: str, one: str | None, second: str, other: str | None) -> str | None:
    """XPath's string(@a|@b): the value of whichever attribute the tag writes first."""
    if one is None or other is None:
        return other if one is None else one
    return one if names.index(first) < names.index(second) else other


def _finder(
    walk: Callable[[etree._Element], Iterable[etree._Element]], matches: Callable[[etree._Element], bool]
) -> Finder:
    """A twin: the elements of `walk(tree)`, in document order, that `matches` accepts."""

    def find(tree: etree._Element) -> list[etree._Element]:
        return [element for element in walk(tree) if matches(element)]

    return find


def _descendants(*tags: str) -> Callable[[etree._Element], Iterable[etree._Element]]:
    """`.//*[self::a or self::b …]`: below the context node."""
    return lambda tree: tree.iterdescendants(*tags)


def _whole_document(*tags: object) -> Callable[[etree._Element], Iterable[etree._Element]]:
    """`//…`: the whole document the context node belongs to, its root included."""
    return lambda tree: tree.getroottree().getroot().iter(*tags)


def _overall_discard_sections(tests: Sequence[_Test]) -> Finder:
    consent_first, by_id, by_class = tests

    def matches(element: etree._Element) -> bool:
        names = element.keys()
        if not names:
            return False
        get = element.get
        ident, css_class = get("id"), get("class")
        return (
            get("data-lp-replacement-content") is not None
            or "nav" in (get("role") or "").replace("N", "n")
            or "MostPopularStories" in (get("data-component") or "")
            or consent_first(_written_first(names, "id", ident, "class", css_class))
            or by_id(ident)
            or by_class(css_class)
        )

    return _finder(_descendants("div", "item", "list", "p", "section", "span"), matches)


def _overall_discard_hidden(tests: Sequence[_Test]) -> Finder:
    hidden_first, by_id, by_class = tests

    def matches(element: etree._Element) -> bool:
        names = element.keys()
        if not names:
            return False
        get = element.get
        ident, css_class, style = get("id"), get("class"), get("style")
        return (
            css_class == "comments-title"
            or (_written_first(names, "id", ident, "class", css_class) or "").startswith("reply-")
            or hidden_first(_written_first(names, "id", ident, "style", style))
            or (style is not None and ("display:none" in style or "display: none" in style))
            or by_id(ident)
            or by_class(css_class)
            or get("aria-hidden") == "true"
        )

    return _finder(_descendants(etree.Element), matches)


def _comment_sections(tests: Sequence[_Test]) -> Finder:
    by_id, by_class = tests
    return _finder(
        _descendants("div", "list", "section", "details"),
        lambda element: by_id(element.get("id")) or by_class(element.get("class")),
    )


def _comment_sections_and_lists(tests: Sequence[_Test]) -> Finder:
    by_id, by_class, list_by_id, list_by_class = tests

    def matches(element: etree._Element) -> bool:
        ident, css_class = element.get("id"), element.get("class")
        if not (by_id(ident) or by_class(css_class)):
            return False
        return element.tag not in ("ol", "ul") or list_by_id(ident) or list_by_class(css_class)

    return _finder(_descendants("div", "list", "section", "details", "ol", "ul"), matches)


def _appended_articles(tests: Sequence[_Test]) -> Finder:
    by_id, by_class, named_by_id, named_by_class = tests

    def matches(element: etree._Element) -> bool:
        ident, css_class = element.get("id"), element.get("class")
        if not (by_id(ident) or by_class(css_class)):
            return False
        has_heading = next(element.iterdescendants("h1"), None) is not None
        return not has_heading or named_by_id(ident) or named_by_class(css_class)

    return _finder(_descendants("div", "section", "aside"), matches)


def _first_article_body(tests: Sequence[_Test]) -> Finder:
    by_id, by_class = tests
    tags = ("article", "div", "main", "section")

    def body_like(element: etree._Element) -> bool:
        if element.tag not in tags:
            return False
        get = element.get
        css_class, ident = get("class"), get("id")
        return (
            css_class in ("post", "entry")
            or get("itemprop") == "articleBody"
            or ident == "articleContent"
            or by_id(ident)
            or by_class(css_class)
        )

    def matches(element: etree._Element) -> bool:
        # `.//*[p][1]`: a match that is the first match among its siblings
        return body_like(element) and not any(body_like(sibling) for sibling in element.itersiblings(preceding=True))

    return _finder(_descendants(*tags), matches)


def _string_value(element: etree._Element) -> str:
    return "".join(element.itertext())


def _author_names(tests: Sequence[_Test]) -> Finder:
    (by_class,) = tests

    def matches(element: etree._Element) -> bool:
        # `…|//author`: both sides in one walk, in document order
        if element.tag == "author":
            return True
        get = element.get
        css_class = get("class")
        return (
            get("rel") == "author"
            or get("id") == "author"
            or css_class == "author"
            or get("itemprop") == "author name"
            # the expression's `rel='me'` (no @) means a child element <rel> reading "me"
            or any(_string_value(child) == "me" for child in element.iterchildren("rel"))
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or by_class(css_class)
        )

    return _finder(_whole_document("a", "address", "div", "link", "p", "span", "strong", "author"), matches)


def _author_bylines(tests: Sequence[_Test]) -> Finder:
    by_id, by_class = tests

    def matches(element: etree._Element) -> bool:
        get = element.get
        css_class = get("class")
        return (
            css_class in ("byline", "username", "byl", "BBL")
            or "author" in (get("itemprop") or "")
            or by_id(get("id"))
            or by_class(css_class)
        )

    return _finder(_whole_document("a", "div", "h3", "h4", "p", "span"), matches)


def _author_anywhere(tests: Sequence[_Test]) -> Finder:
    by_id, by_class = tests

    def matches(element: etree._Element) -> bool:
        get = element.get
        return (
            "Byline" in (get("data-component") or "")
            or "author" in (get("itemprop") or "")
            or by_id(get("id"))
            or by_class(get("class"))
        )

    return _finder(_whole_document(etree.Element), matches)


def _not_bylines(tests: Sequence[_Test]) -> Finder:
    by_id, by_class = tests

    def matches(element: etree._Element) -> bool:
        get = element.get
        ident, css_class = get("id"), get("class")
        return (
            ident == "comments"
            or css_class in ("comments", "title", "date")
            or by_id(ident)
            or by_class(css_class)
            or "Figure" in (get("data-component") or "")
        )

    return _finder(_descendants("a", "div", "section", "span"), matches)


# expression list, index, SHA-256 of the expression text the twin mirrors, twin factory
TWINS: list[tuple[str, int, str, Callable[[Sequence[_Test]], Finder]]] = [
    (
        "OVERALL_DISCARD_XPATH",
        0,
        "a837e58a1b1ea116ce1dada53d856dec093fe9f64b37dc503698e30f96a87dd3",
        _overall_discard_sections,
    ),
    (
        "OVERALL_DISCARD_XPATH",
        1,
        "c1d5b70b8cd03783545d6b715c69062ae6967c222b2d8f4e2399762362d426c0",
        _overall_discard_hidden,
    ),
    ("REMOVE_COMMENTS_XPATH", 0, "5d97216ca15d05582de538174e876b27626b7a166810320152081c7e26bb5ca2", _comment_sections),
    (
        "REMOVE_COMMENTS_AND_LISTS_XPATH",
        0,
        "9cc18d34e6e2d258172b5df02bc44e578c95ef709b8e06722846c7a410c3a46f",
        _comment_sections_and_lists,
    ),
    ("RAW_TREE_PRUNE_XPATH", 0, "01e7c660fd6406f29932819d2dbd7530e2f3bdac11dde83565e977e391303444", _appended_articles),
    ("AUTHOR_XPATHS", 0, "4d49fee6aa1c77f41b63f65c014f6b50ea6af77795067d2ff513624f8b9323f7", _author_names),
    ("AUTHOR_XPATHS", 1, "6120fddc3d75e8ea3141a2627a84df8aed293cac91fc1b45773c0441031df9ef", _author_bylines),
    ("AUTHOR_XPATHS", 2, "4ff2ef32ff7c0e5f888a4d654209efe14f0af625af5022a3ff9be3cc31e2b91c", _author_anywhere),
    ("AUTHOR_DISCARD_XPATHS", 0, "82f43e48c571d06b5e8f72043c2295e4342ed07ddec04f10b5836b84c3d98a35", _not_bylines),
    ("BODY_XPATH", 0, "caaa561ceca17064773e97bf7c610f55e6c6a64a2477328c060642912d489b3b", _first_article_body),
]


class Twin:
    """Callable like the XPath it replaces; anything but an element goes to the XPath."""

    def __init__(self, xpath: etree.XPath, find: Finder):
        self.xpath = xpath
        self.path = xpath.path
        self.find = find

    def __call__(self, tree: etree._Element, **variables: object) -> Any:
        if variables or not isinstance(tree, etree._Element):
            return self.xpath(tree, **variables)
        return self.find(tree)


def install() -> list[str]:
    """Put the twins in trafilatura's expression lists (in place, so every module that imported
    a list sees them). Returns the names installed; idempotent. A twin that does not apply to
    the installed trafilatura logs one WARNING and leaves trafilatura's XPath in place."""
    installed = []
    for list_name, index, expected, make in TWINS:
        expressions = trafilatura_xpath_list(list_name)
        if expressions is None:
            continue
        if index >= len(expressions):
            warn_once(
                f"twin {list_name}[{index}]",
                "trafilatura's %s has no [%d] any more; its twin is not used",
                list_name,
                index,
            )
            continue
        current = expressions[index]
        if isinstance(current, Twin):
            installed.append(f"{list_name}[{index}]")
            continue
        source = getattr(current, "path", "")
        if expression_hash(source) != expected:
            warn_once(
                f"twin {list_name}[{index}]",
                "trafilatura's %s[%d] changed; keeping its XPath (slower) until its twin is re-checked",
                list_name,
                index,
            )
            continue
        expressions[index] = Twin(current, make(_tests(source)))
        installed.append(f"{list_name}[{index}]")
    return installed


def uninstall() -> None:
    """Give trafilatura its own expressions back (benchmarks measure bare trafilatura with it)."""
    for list_name, index, _, _ in TWINS:
        expressions = trafilatura_xpath_list(list_name)
        if expressions and index < len(expressions) and isinstance(expressions[index], Twin):
            expressions[index] = expressions[index].xpath
