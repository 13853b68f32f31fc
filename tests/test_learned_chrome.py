"""A site's own chrome, not in any phrase list, is learned from its dumps and remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import query, run_newsmill

SITE_LINE = "Sponsored by Absheron Motors"

STORIES = [
    (
        "Ferry line to Aktau adds a second vessel",
        "The ferry operator on the Baku to Aktau route added a second vessel this week, doubling the number of weekly sailings. "
        "Truck drivers had waited up to six days at the terminal in the spring, the company said, and the new ship should cut that to two.",
    ),
    (
        "City council approves new bus lanes",
        "The city council approved forty kilometres of new bus lanes on Thursday, the largest change to the street network in a decade. "
        "Work on the first corridor along the seafront will start in April and is expected to last until the end of summer.",
    ),
    (
        "Farmers expect a late pomegranate harvest",
        "Pomegranate growers in the Goychay district expect the harvest to start two weeks late after a cold and wet May. "
        "Cooperatives say the fruit is large this year but warn that prices may rise because exporters have already signed contracts.",
    ),
    (
        "University opens a new research library",
        "The state university opened a new research library with space for twelve hundred readers and a digitisation workshop. "
        "The building replaces a reading room from the 1960s that had run out of shelf space and had no climate control for old manuscripts.",
    ),
]


def write_dump(folder: Path, name: str, title: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    closing = (
        f"Officials said more on the {title.split()[0].lower()} plan would follow, as they explained to reporters."
    )
    text = f"{title}\n\n{body}\n\n{closing}\n\n{SITE_LINE}\n"
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_repeated_site_line_is_learned_in_one_run_and_applied_in_the_next(tmp_path):
    db = tmp_path / "newsmill.db"
    for n, (title, body) in enumerate(STORIES[:3]):
        write_dump(tmp_path / "monday", f"{n}.txt", title, body)
    first = run_newsmill("ingest", tmp_path / "monday", "--db", db, "--source", "herald")
    assert first.returncode == 0, first.stderr
    texts = [text for (text,) in query(db, "select text from articles")]
    assert len(texts) == 3
    assert all(SITE_LINE not in text for text in texts)

    # one dump on its own has no batch to learn from: the archive's memory must do it
    title, body = STORIES[3]
    write_dump(tmp_path / "tuesday", "0.txt", title, body)
    second = run_newsmill("ingest", tmp_path / "tuesday", "--db", db, "--source", "herald")
    assert second.returncode == 0, second.stderr
    ((text,),) = query(db, "select text from articles where title = ?", [title])
    assert SITE_LINE not in text
    assert text.endswith("as they explained to reporters.")


@pytest.mark.slow
def test_learning_is_per_source(tmp_path):
    db = tmp_path / "newsmill.db"
    for n, (title, body) in enumerate(STORIES[:3]):
        write_dump(tmp_path / "monday", f"{n}.txt", title, body)
    run_newsmill("ingest", tmp_path / "monday", "--db", db, "--source", "herald")
    title, body = STORIES[3]
    write_dump(tmp_path / "other", "0.txt", title, body)
    run_newsmill("ingest", tmp_path / "other", "--db", db, "--source", "another-site")
    learned = query(db, "select source, documents from chrome_sources order by source")
    assert learned == [("another-site", 1), ("herald", 3)]
