"""trafilatura's HTML parser, minus lxml.html's Python-level element class lookup.

Why: lxml.html picks the Python class of an element (forms, inputs, selects and labels get
their own) by calling a Python method each time Python code touches an element it has not
touched before: over a million calls on 362 news pages, about 7 % of extraction time.
Extraction never uses the form classes' extras, so every element can be a plain HtmlElement,
chosen in C. The extracted articles stay identical (tests/test_element_classes.py).
The parser is trafilatura's internal, reached through pipelines/private_apis.py: without it
elements keep lxml.html's classes (slower, same articles) and one WARNING says so.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlElementClassLookup, HtmlEntity, HtmlProcessingInstruction

from pipelines.private_apis import trafilatura_html_parser

PLAIN = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
)


def use_plain_element_classes() -> None:
    """For every tree parsed by trafilatura's load_html (ours included)."""
    parser = trafilatura_html_parser()
    if parser is not None:
        parser.set_element_class_lookup(PLAIN)


def use_lxml_element_classes() -> None:
    """lxml.html's own lookup back (benchmarks measure bare trafilatura with it)."""
    parser = trafilatura_html_parser()
    if parser is not None:
        parser.set_element_class_lookup(HtmlElementClassLookup())
