"""Language for every dump: the detector for what the script does not tell, None when unsure,
and `ingest --language` forcing it end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extractors.html_language import detect_language as html_language
from pipelines.extractors.language import detect_language, normalize_language_code, text_language
from pipelines.extractors.textdump import clean_text_dump
from tests.conftest import query, run_newsmill
from tests.test_encodings import NEWS


@pytest.mark.parametrize("language", ["fr", "de", "es", "tr", "pl", "cs", "ru", "az"])
def test_utf8_dump_gets_its_language(language):
    result = clean_text_dump(NEWS[language])
    assert result is not None
    assert result.language == language


def test_scripts_that_tell_keep_their_rule():
    assert text_language("Երևանում բացվեց նոր գրադարան, որտեղ կան հազարավոր գրքեր և ընթերցասրահներ") == "hy"
    assert text_language("თბილისში ახალი საბაგირო გზა გაიხსნა და მგზავრები კმაყოფილები არიან") == "ka"
    assert text_language("Алматыда жаңа метро бекеті ашылды, тұрғындар қуанышты") == "kk"
    assert text_language("У Києві відкрили нову станцію метро, мешканці задоволені") == "uk"
    assert text_language("Bakıda yeni metro stansiyası istifadəyə verildi") == "az"


@pytest.mark.parametrize(
    "text",
    [
        "Lyon vote un plan\n",
        "Stadtwerke bauen bis Frühjahr weiter\n",
        "Nuevo puente en la ciudad\n",
        "Vapur seferleri yazın artırılacak\n",
    ],
)
def test_five_words_give_none(text):
    assert text_language(text) is None


def test_five_words_in_a_telling_script_give_that_language():
    assert text_language("Երևանում բացվեց նոր մեծ գրադարան") == "hy"


def test_mixed_text_gives_none():
    mixed = NEWS["fr"].split("\n\n")[1][:400] + " " + NEWS["de"].split("\n\n")[1][:400]
    assert detect_language(mixed) is None


def test_html_pages_use_the_same_detector():
    paragraphs = NEWS["fr"].split("\n\n")[1:]
    assert html_language(paragraphs, "en") == "fr"  # a template's lang="en" is overruled
    assert html_language(["Trop court."], "fr") == "fr"  # too short to detect: the declaration stands


@pytest.mark.parametrize(
    ("value", "code"),
    [("fr", "fr"), ("FR", "fr"), ("deu", "deu"), ("pt-br", "pt-BR"), ("sr-latn", "sr-Latn"), (" es ", "es")],
)
def test_language_codes(value, code):
    assert normalize_language_code(value) == code


@pytest.mark.parametrize("value", ["", "f", "french", "fr_FR", "12", "fr-", "e s"])
def test_bad_language_codes(value):
    assert normalize_language_code(value) is None


# --- end to end ----------------------------------------------------------------------


def write_dumps(folder: Path) -> None:
    folder.mkdir()
    for language in ("fr", "de", "es", "tr"):
        (folder / f"{language}.txt").write_text(NEWS[language], encoding="utf-8")


def languages(db: Path) -> dict[str, str | None]:
    rows = query(db, "select s.path, a.language from sightings s join articles a on a.id = s.article_id")
    return {Path(path).stem: language for path, language in rows}


@pytest.mark.slow
def test_ingest_detects_each_dumps_language(tmp_path: Path, db_path: Path):
    write_dumps(tmp_path / "dumps")
    result = run_newsmill("ingest", tmp_path / "dumps", "--db", db_path)
    assert result.returncode == 0, result.stderr
    assert languages(db_path) == {"fr": "fr", "de": "de", "es": "es", "tr": "tr"}


@pytest.mark.slow
def test_ingest_language_forces_it(tmp_path: Path, db_path: Path):
    write_dumps(tmp_path / "dumps")
    html = tmp_path / "dumps" / "page.html"
    title, body = NEWS["de"].strip().split("\n\n")
    html.write_text(
        f'<html lang="de"><head><title>{title}</title></head><body><article><h1>{title}</h1>'
        + "".join(f"<p>{sentence}.</p>" for sentence in body.replace("Stadtwerke", "Verkehrsbetriebe").split(". "))
        + "</article></body></html>",
        encoding="utf-8",
    )
    result = run_newsmill("ingest", tmp_path / "dumps", "--db", db_path, "--language", "FR")
    assert result.returncode == 0, result.stderr
    assert languages(db_path) == {"fr": "fr", "de": "fr", "es": "fr", "tr": "fr", "page": "fr"}


@pytest.mark.parametrize("value", ["french", "f", "fr_FR"])
@pytest.mark.slow
def test_ingest_bad_language_is_a_usage_error(tmp_path: Path, db_path: Path, value):
    write_dumps(tmp_path / "dumps")
    result = run_newsmill("ingest", tmp_path / "dumps", "--db", db_path, "--language", value)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--language" in lines[0], result.stderr
    assert not db_path.exists()
