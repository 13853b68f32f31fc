"""Hostile stored text shown inert, in a real browser: headless Debian chromium, driven by
Selenium through chromium-driver, against a real `newsmill serve` on 127.0.0.1.

Titles and bodies carry <script>, event handlers, javascript: links and SQL. On the table,
row, search and canned-query pages, no dialog may fire, no injected element may exist, no
javascript: link may appear, and the payloads must still be there as visible text.

The browser comes from Debian's packages: installed here when missing (root only); when it
cannot be installed the test fails and says why rather than skipping in silence.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from storage.archive import Archive
from storage.records import ArticleRecord
from tests.conftest import REPO, query, run_newsmill

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
APT_PACKAGES = ["chromium", "chromium-driver"]
SERVE_START_SECONDS = 60
PAGE_LOAD_SECONDS = 30
# no crash reporting, updates, sync or prefetching: the browser talks to 127.0.0.1 only
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
]

PAYLOADS = {
    "script": "<script>window.__pwned = 'script'; alert('script')</script>",
    "img": "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\" id=injected>",
    "svg": "<svg onload=alert('svg') id=injected></svg>",
    "link": "<a href=\"javascript:alert('link')\" id=injected>click</a>",
    "break-out": "\"><script>alert('attr')</script><div id=injected>",
    "sql": "'; DROP TABLE articles; --",
}
TITLE = f"Harbour {PAYLOADS['script']} news {PAYLOADS['break-out']}"
BODY_LINES = [
    "The harbour master said the new quay would open in spring, after two years of work on the breakwater.",
    f"Residents pasted this into the comment form: {PAYLOADS['img']} and also {PAYLOADS['svg']} there.",
    f"One reader sent a link, {PAYLOADS['link']}, and another typed {PAYLOADS['sql']} into the search box.",
    "Fishermen welcomed the plan but asked for a second slipway and a longer season for small boats.",
]
# what each page must show as plain text (the canned search shows titles and snippets only)
VISIBLE = {
    "table": ["<script>", "DROP TABLE articles", "javascript:alert('url')"],
    "row": ["<script>", "DROP TABLE articles", "onerror="],
    "search": ["<script>", "DROP TABLE articles"],
    "canned search": ["<script>", "<div id=injected>"],
    "sightings": [],
}


def _chromium_installed() -> bool:
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


@pytest.fixture(scope="session")
def chromium() -> str:
    if _chromium_installed():
        return CHROMIUM
    if os.geteuid() != 0:
        pytest.skip(
            f"{CHROMIUM} and {CHROMEDRIVER} are missing and installing them needs root: apt-get install {' '.join(APT_PACKAGES)}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *APT_PACKAGES]]
    for step in steps:
        result = subprocess.run(step, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            pytest.fail(
                f"cannot install the browser ({' '.join(step)} exited {result.returncode}): {result.stderr.strip()[-300:]}"
            )
    if not _chromium_installed():
        pytest.fail(f"apt-get installed {' '.join(APT_PACKAGES)} but {CHROMIUM} or {CHROMEDRIVER} is still missing")
    return CHROMIUM


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory) -> Path:
    """Hostile articles on both roads: a real ingest of text dumps, and the archive API
    (for a javascript: URL, which no extractor would produce)."""
    folder = tmp_path_factory.mktemp("hostile-dumps")
    (folder / "harbour.txt").write_text(f"Regions\n\n{TITLE}\n\n" + "\n\n".join(BODY_LINES) + "\n", encoding="utf-8")
    db = tmp_path_factory.mktemp("hostile-archive") / "newsmill.db"
    result = run_newsmill("ingest", folder, "--db", db)
    assert result.returncode == 0, result.stderr
    ((title, text),) = query(db, "select title, text from articles")
    assert PAYLOADS["script"] in title and PAYLOADS["img"] in text and PAYLOADS["sql"] in text, (title, text)

    archive = Archive.open(db)
    try:
        body = "\n\n".join(BODY_LINES[::-1]) + " Second story about the lighthouse keepers and their long winter."
        archive.store_batch(
            [
                ArticleRecord(
                    text=body,
                    content_hash="f" * 64,
                    source=PAYLOADS["img"],
                    url="javascript:alert('url')",
                    title=f"Lighthouse {PAYLOADS['link']} {PAYLOADS['img']}",
                    author=PAYLOADS["svg"],
                    site="javascript:alert('site')",
                    section=PAYLOADS["break-out"],
                )
            ]
        )
    finally:
        archive.close()
    return db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(hostile_archive):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(hostile_archive), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVE_START_SECONDS
    while True:
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"newsmill serve did not start: {process.stderr.read()[-500:]}")
        time.sleep(0.2)
    yield {"base": base, "port": port, "db": hostile_archive.stem, "path": hostile_archive}
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium, server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="newsmill-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    # a dialog that does open must stay open, so the test sees it
    options.set_capability("unhandledPromptBehavior", "ignore")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
    # before any page script: record every dialog a page tries to open
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": """
        window.__dialogs = [];
        for (const name of ['alert', 'confirm', 'prompt']) {
            const original = window[name].bind(window);
            window[name] = (...args) => { window.__dialogs.push([name, String(args[0])]); return original(...args); };
        }
    """
        },
    )
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def visit(driver, url: str) -> dict:
    from selenium.webdriver.common.by import By

    _dismiss_dialogs(driver)  # left open by an earlier page
    driver.get(url)
    opened = _dismiss_dialogs(driver)
    if opened:
        return {"open_dialogs": opened}
    return {
        "dialogs": driver.execute_script("return window.__dialogs"),
        "pwned": driver.execute_script("return window.__pwned === undefined ? null : window.__pwned"),
        "injected": len(driver.find_elements(By.ID, "injected")),
        "javascript_links": driver.execute_script(
            "return [...document.querySelectorAll('a[href], area[href], iframe[src], form[action]')]"
            ".map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))"
            ".filter(h => h.trim().toLowerCase().startsWith('javascript:'))"
        ),
        "text": driver.find_element(By.TAG_NAME, "body").text,
    }


def _dismiss_dialogs(driver) -> list[str]:
    from selenium.common.exceptions import NoAlertPresentException

    texts = []
    while True:
        try:
            alert = driver.switch_to.alert
        except NoAlertPresentException:
            return texts
        texts.append(alert.text)
        alert.dismiss()


def pages(server) -> dict[str, str]:
    base, db = server["base"], server["db"]
    ((article_id,),) = query(server["path"], "select min(id) from articles")
    return {
        "table": f"{base}/{db}/articles",
        "row": f"{base}/{db}/articles/{article_id}",
        "search": f"{base}/{db}/articles?_search={quote('harbour')}",
        "canned search": f"{base}/{db}/search?q={quote('harbour')}",
        "sightings": f"{base}/{db}/sightings",
    }


@pytest.mark.parametrize("page", ["table", "row", "search", "canned search", "sightings"])
@pytest.mark.slow
def test_hostile_text_is_shown_inert(browser, server, page):
    seen = visit(browser, pages(server)[page])
    assert "open_dialogs" not in seen, f"a dialog opened on the {page} page: {seen}"
    assert seen["dialogs"] == []
    assert seen["pwned"] is None
    assert seen["injected"] == 0
    assert seen["javascript_links"] == []
    for text in VISIBLE[page]:
        assert text in seen["text"], f"{text!r} not shown as text on the {page} page"


@pytest.mark.slow
def test_the_checks_do_see_a_real_injection(browser):
    """The same checks on a page that does run the payloads: they would have caught one."""
    page = "<!doctype html><body>" + PAYLOADS["script"] + PAYLOADS["img"] + "<div id=injected></div></body>"
    seen = visit(browser, "data:text/html;charset=utf-8," + quote(page))
    assert "script" in seen["open_dialogs"]
    seen = visit(browser, "data:text/html;charset=utf-8," + quote("<!doctype html>" + PAYLOADS["link"]))
    assert seen["injected"] == 1 and seen["javascript_links"] == ["javascript:alert('link')"]


@pytest.mark.slow
def test_serve_listens_on_loopback_only(server):
    listening = _listening_addresses(server["port"])
    assert listening, "no listening socket found for the server's port"
    assert listening <= {"127.0.0.1"}, listening


def _listening_addresses(port: int) -> set[str]:
    """Local addresses in LISTEN state on `port`, read from /proc (no traffic needed)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(_address(address, width))
    return found


def _address(hex_address: str, width: int) -> str:
    raw = bytes.fromhex(hex_address)
    if width == 8:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # /proc prints IPv6 as four little-endian 32-bit words
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)
