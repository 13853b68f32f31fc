"""`newsmill explain`: the user's answer to "why is this line missing / still there"."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import EXAMPLES, query, run_newsmill


@pytest.mark.slow
def test_explain_lists_removed_lines_with_rules_and_stores_nothing(db_path):
    run_newsmill("ingest", EXAMPLES / "caspian-herald", "--db", db_path)
    before = query(db_path, "select count(*) from articles"), query(db_path, "select count(*) from sightings")

    result = run_newsmill("explain", EXAMPLES / "wire" / "port-expansion-copy.txt", "--db", db_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "title:         Baku port to double container capacity by 2027" in out
    assert "[structure:breadcrumb] Home > Business" in out
    assert "[phrase:copyright] © 2024 Regional Wire Service. All rights reserved." in out
    assert 'verdict: duplicate of article 1 "Baku port to double container capacity by 2027"' in out
    after = query(db_path, "select count(*) from articles"), query(db_path, "select count(*) from sightings")
    assert after == before


@pytest.mark.slow
def test_explain_a_new_story_and_a_skipped_file(db_path, tmp_path):
    run_newsmill("ingest", EXAMPLES / "caspian-herald", "--db", db_path)
    fresh = run_newsmill("explain", EXAMPLES / "kavkaz-vestnik" / "01_bridge.txt", "--db", db_path, "--text")
    assert "verdict: new article" in fresh.stdout
    assert "[phrase:share] Поделиться" in fresh.stdout
    assert "Городские власти пообещали" in fresh.stdout

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    skipped = run_newsmill("explain", empty, "--db", db_path)
    assert skipped.returncode == 0
    assert "verdict: skipped [empty] empty file" in skipped.stdout


@pytest.mark.slow
def test_explain_without_an_archive_still_explains(tmp_path):
    page = tmp_path / "page.html"
    shutil.copy(EXAMPLES / "html" / "solar-plant.html", page)
    result = run_newsmill("explain", page, "--db", tmp_path / "none.db")
    assert result.returncode == 0, result.stderr
    assert "author:        Leyla Hasanova" in result.stdout
    assert "verdict: would be stored (no archive to compare with)" in result.stdout
    assert not (tmp_path / "none.db").exists()


@pytest.mark.slow
def test_explain_a_url_fetched_from_a_local_server(db_path):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(EXAMPLES / "html"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        page = run_newsmill("explain", f"{base}/solar-plant.html", "--db", db_path)
        missing = run_newsmill("explain", f"{base}/no-such-page.html", "--db", db_path)
    finally:
        server.shutdown()
    assert page.returncode == 0, page.stderr
    assert f"document: {base}/solar-plant.html  (html, utf-8)" in page.stdout
    assert "author:        Leyla Hasanova" in page.stdout
    assert "verdict: would be stored (no archive to compare with)" in page.stdout
    assert "verdict: skipped [fetch_failed]" in missing.stdout
    assert not db_path.exists()
