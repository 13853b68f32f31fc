"""Schema.org JSON-LD on a page: the article object's fields, if the page carries one.

Publishers fill JSON-LD for search engines, so it is often the cleanest source of headline,
author and dates. Its articleBody is frequently a teaser, which is why the caller, not this
module, decides whether the body is usable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "report",
    "liveblogposting",
    "posting",
    "socialmediaposting",
}


@dataclass
class JsonLdArticle:
    headline: str | None = None
    body: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    publisher: str | None = None
    language: str | None = None
    url: str | None = None


def _objects(data: object) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD payload, @graph and nesting included."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(value for value in item.values() if isinstance(value, (list, dict)))


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item)
        if name and name not in names:
            names.append(name)
    return names


def _list(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [part for item in value for part in _list(item)]
    return []


def _url(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value.strip() if isinstance(value, str) and value.strip().startswith("http") else None


def _load(raw: str) -> object | None:
    try:
        data: object = json.loads(raw)
        return data
    except ValueError:
        pass
    # raw newlines and tabs inside strings are the commonest publisher mistake
    try:
        repaired: object = json.loads(raw.replace("\n", " ").replace("\r", " ").replace("\t", " "))
        return repaired
    except ValueError:
        return None


def parse_jsonld(tree: HtmlElement) -> JsonLdArticle | None:
    """The first article-typed object on the page (the longest body wins among several)."""
    best: dict[str, Any] | None = None
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        data = _load(script.text or "")
        if data is None:
            continue
        for obj in _objects(data):
            if not (_types(obj) & _ARTICLE_TYPES):
                continue
            if best is None or len(str(obj.get("articleBody") or "")) > len(str(best.get("articleBody") or "")):
                best = obj
    if best is None:
        return None
    body = best.get("articleBody")
    return JsonLdArticle(
        headline=_text(best.get("headline") or best.get("name")),
        body=body.strip() if isinstance(body, str) and body.strip() else None,
        authors=_names(best.get("author") or best.get("creator") or []),
        published=_text(best.get("datePublished") or best.get("dateCreated")),
        modified=_text(best.get("dateModified")),
        section=_text(best.get("articleSection")),
        keywords=_list(best.get("keywords")),
        publisher=_text(best.get("publisher")),
        language=_text(best.get("inLanguage")),
        url=_url(best.get("url")) or _url(best.get("mainEntityOfPage")),
    )
