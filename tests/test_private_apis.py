"""Every internal of another library newsmill uses still is what it was checked on.

A failure names the internal, the installed version and the version it was checked on:
re-read that library's code (pipelines/private_apis.py says where each is used and why),
then fix the use, drop it if a public API now does the job, or update `checked_on`.
"""

from __future__ import annotations

import logging

import pytest

from pipelines import private_apis
from pipelines.private_apis import USES, PrivateUse


@pytest.mark.parametrize("use", USES, ids=lambda use: use.name.split(" ")[0])
def test_private_api_still_applies(use: PrivateUse):
    problem = use.problem()
    assert problem is None, (
        f"{use.name} no longer applies on the installed {use.distribution} {use.installed()} "
        f"(checked on {use.checked_on}; used in {use.used_in}): {problem}"
    )


def test_every_use_says_where_and_why():
    for use in USES:
        assert use.used_in and use.why and use.checked_on, use.name


def test_a_twin_that_does_not_apply_warns_once(caplog, monkeypatch):
    from lxml import etree
    from trafilatura import xpaths

    from pipelines.extractors import xpath_twins

    monkeypatch.setattr(private_apis, "_warned", set())
    # an upgraded trafilatura whose expression is not the one the twin mirrors
    monkeypatch.setattr(xpaths, "REMOVE_COMMENTS_XPATH", [etree.XPath(".//*[self::div][@id='comment']")])
    with caplog.at_level(logging.WARNING, logger="pipelines.private_apis"):
        for _ in range(3):
            assert "REMOVE_COMMENTS_XPATH[0]" not in xpath_twins.install()
    warnings = [record for record in caplog.records if "REMOVE_COMMENTS_XPATH" in record.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING


def test_a_missing_internal_warns_once_and_falls_back(caplog, monkeypatch):
    from trafilatura import utils

    from pipelines.extractors import element_classes

    monkeypatch.setattr(private_apis, "_warned", set())
    monkeypatch.delattr(utils, "HTML_PARSER")
    with caplog.at_level(logging.WARNING, logger="pipelines.private_apis"):
        element_classes.use_plain_element_classes()
        element_classes.use_plain_element_classes()
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "HTML_PARSER" in caplog.records[0].getMessage()
