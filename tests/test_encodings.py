"""Legacy encodings: undeclared dumps in each language's code pages decode to exactly their
text (not to a neighbouring code page's mojibake), ties are recorded, and a stale declared
charset does not beat valid UTF-8. The texts are this project's own short news items."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.extractors.encoding import decode
from tests.conftest import query, run_newsmill

# title line, blank line, one paragraph: the shape of a plain-text dump
NEWS = {
    "fr": (
        "Rénovation des écoles : Lyon vote un plan de quarante-deux millions\n\n"
        "Le conseil municipal de Lyon a voté jeudi soir un plan de rénovation des écoles primaires "
        "de la ville. Selon l'adjointe chargée de l'éducation, les travaux commenceront dès l'été "
        "prochain et dureront près de trois ans. Les parents d'élèves saluent une décision attendue "
        "depuis longtemps, même si certains s'inquiètent du coût final. « Nous voulons des classes "
        "bien chauffées et des cantines dignes de ce nom », a déclaré la présidente de leur "
        "association. Au menu des cantines rénovées, promet la mairie : moins de plats industriels, "
        "plus de produits frais et de la crème fraîche locale.\n"
    ),
    "de": (
        "Straßenbahn nach Freimann: Stadtwerke wollen bis zum Frühjahr bauen\n\n"
        "Die Stadtwerke München haben am Dienstag angekündigt, die Straßenbahnlinie 17 bis zum "
        "Frühjahr zu verlängern. Nach Angaben eines Sprechers sollen die Bauarbeiten zunächst nachts "
        "stattfinden, um den Berufsverkehr möglichst wenig zu stören. Anwohner äußerten bei einer "
        "Versammlung im Bürgerhaus Bedenken wegen des Lärms und der Baustellenzufahrten. Die Kosten "
        "für das Projekt werden auf rund 48 Millionen Euro geschätzt. Der Stadtrat muss den "
        "überarbeiteten Plänen noch zustimmen.\n"
    ),
    "es": (
        "Sevilla ampliará los carriles bici del centro histórico\n\n"
        "El ayuntamiento de Sevilla aprobó este miércoles un nuevo plan para ampliar los carriles "
        "bici del centro histórico. Según la concejala de Movilidad, las obras comenzarán en otoño y "
        "durarán unos ocho meses. Los comerciantes de la zona temen que los cortes de tráfico "
        "reduzcan las ventas durante la campaña de Navidad. «Queremos una ciudad más limpia y más "
        "tranquila», afirmó el alcalde en rueda de prensa. La inversión prevista asciende a doce "
        "millones de euros, financiados en parte por la Unión Europea.\n"
    ),
    "pl": (
        "Kraków wprowadza strefę czystego transportu\n\n"
        "Władze Krakowa ogłosiły w poniedziałek, że od przyszłego miesiąca w centrum miasta zacznie "
        "obowiązywać strefa czystego transportu. Kierowcy starszych samochodów z silnikami diesla "
        "będą musieli płacić za wjazd albo zostawić auto na parkingach przy pętlach tramwajowych. "
        "Radni opozycji krytykują pośpiech i brak konsultacji z mieszkańcami. Według urzędników "
        "jakość powietrza poprawiła się już o kilkanaście procent w ciągu dwóch lat. Przedsiębiorcy "
        "ze Starego Miasta obawiają się jednak spadku liczby klientów.\n"
    ),
    "cs": (
        "Most v Libni se bude opravovat, tramvaje nepojedou čtyři měsíce\n\n"
        "Praha chce do konce roku opravit most v Libni, který je už několik let ve špatném stavu. "
        "Náměstek primátora pro dopravu ve středu uvedl, že tramvajová doprava bude během stavby "
        "přerušena nejméně na čtyři měsíce. Řidiči se musí připravit na objížďky přes Holešovice a "
        "Karlín. Odborníci upozorňují, že další odklad by mohl vést k úplnému uzavření mostu. "
        "Rekonstrukce má podle rozpočtu stát přibližně devět set milionů korun.\n"
    ),
    "tr": (
        "İstanbul'da vapur seferleri yazın artırılacak\n\n"
        "İstanbul Büyükşehir Belediyesi, Boğaz'daki vapur seferlerinin sayısını yaz aylarında "
        "artıracağını açıkladı. Belediye sözcüsü, yeni seferlerin özellikle Üsküdar ile Beşiktaş "
        "arasındaki yoğunluğu azaltacağını söyledi. Yolcular, sabah saatlerinde iskelelerde uzun "
        "kuyruklar oluştuğundan uzun süredir şikâyet ediyordu. Yetkililer ayrıca iki yeni gemi için "
        "ihaleye çıkılacağını belirtti. Yeni tarifenin haziran başında yürürlüğe girmesi bekleniyor.\n"
    ),
    "ru": (
        "В Новосибирске начали строить новую станцию метро\n\n"
        "Власти Новосибирска объявили в понедельник о начале строительства новой станции метро на "
        "левом берегу Оби. По словам мэра, работы займут около трёх лет, а первые поезда пойдут не "
        "раньше весны. Жители соседних домов опасаются шума и пыли, однако в мэрии обещают соблюдать "
        "строгий график. Стоимость проекта оценивается в двенадцать миллиардов рублей. Часть средств "
        "выделит федеральный бюджет.\n"
    ),
    "az": (
        "Bakıda yeni metro stansiyası istifadəyə verilir\n\n"
        "Bakı şəhərində yeni metro stansiyasının tikintisi başa çatıb. Nəqliyyat nazirliyinin "
        "məlumatına görə, stansiya gələn aydan sərnişinlərin istifadəsinə veriləcək. Sakinlər uzun "
        "müddətdir ki, bu ərazidə ictimai nəqliyyatın çatışmazlığından şikayət edirdilər. Layihənin "
        "dəyəri təxminən yüz milyon manat təşkil edir. Mütəxəssislər bildirirlər ki, yeni xətt "
        "şəhərin mərkəzində tıxacları xeyli azaldacaq.\n"
    ),
}
# Azerbaijani's ə is in no Windows or ISO code page (windows-1254 and ISO-8859-9 are
# Turkish); legacy Latin-script pages wrote it as ä, the letter of the 1991-92 alphabet.
AZ_LEGACY = NEWS["az"].replace("ə", "ä").replace("Ə", "Ä")
# Cyrillic Azerbaijani needs ә, ҹ, ҝ, һ, ө, ү: not in windows-1251 either
AZ_CYRILLIC = "Бакы шәһәриндә јени метро стансијасынын тикинтиси баша чатыб. Ҹәнуб хәтти ҝениш олаҹаг.\n"

# (language, code page the dump was written in, the name the decoder reports): ISO-8859-1
# and windows-1252 give the same text for these bytes, so do ISO-8859-9 and windows-1254;
# the name is the Windows code page, as browsers read them
LEGACY = [
    ("fr", "cp1252", "cp1252"),
    ("fr", "latin-1", "cp1252"),
    ("de", "cp1252", "cp1252"),
    ("de", "latin-1", "cp1252"),
    ("es", "cp1252", "cp1252"),
    ("es", "latin-1", "cp1252"),
    ("pl", "cp1250", "cp1250"),
    ("pl", "iso-8859-2", "iso8859-2"),
    ("cs", "cp1250", "cp1250"),
    ("cs", "iso-8859-2", "iso8859-2"),
    ("tr", "cp1254", "cp1254"),
    ("tr", "iso-8859-9", "cp1254"),
    ("ru", "cp1251", "cp1251"),
    ("ru", "koi8-r", "koi8-r"),
    ("az", "cp1254", "cp1254"),
    ("az", "iso-8859-9", "cp1254"),
]
ENCODING_VALUE = re.compile(r"^[\w-]+( \((tie: [\w-]+(, [\w-]+)*|declared [\w-]+)\))?$")


def legacy_text(language: str) -> str:
    return AZ_LEGACY if language == "az" else NEWS[language]


def code_page(encoding: str) -> str:
    """The codec name of a stored encoding value, without its note."""
    return encoding.split(" (", 1)[0]


@pytest.mark.parametrize(
    ("language", "written_in", "reported"), LEGACY, ids=[f"{language}-{encoding}" for language, encoding, _ in LEGACY]
)
def test_undeclared_legacy_dump_decodes_to_its_text(language, written_in, reported):
    text = legacy_text(language)
    body = text.encode(written_in)
    assert not body.isascii()
    decoded, encoding = decode(body, is_html=False)
    assert decoded == text
    assert code_page(encoding) == reported
    assert ENCODING_VALUE.match(encoding), encoding


@pytest.mark.parametrize(
    ("language", "written_in", "reported"), LEGACY, ids=[f"{language}-{encoding}" for language, encoding, _ in LEGACY]
)
def test_each_sentence_alone_decodes_too(language, written_in, reported):
    # shorter texts give the detectors less to go on: every sentence of the body on its own
    title, body = legacy_text(language).split("\n\n")
    for piece in [title, *re.split(r"(?<=[.!?»]) ", body.strip())]:
        data = piece.encode(written_in)
        if data.isascii():
            continue
        decoded, _encoding = decode(data, is_html=False)
        assert decoded == piece, (piece, _encoding)


def test_the_cp1250_and_cp1257_ties_of_western_text_are_recorded():
    # charset-normalizer scores windows-1250, -1252 and -1257 alike on this French text
    # (chaos 0, equal coherence); the letters decide, and the tie is kept
    decoded, encoding = decode(NEWS["fr"].encode("cp1252"), is_html=False)
    assert "crème fraîche" in decoded and "crčme" not in decoded
    assert encoding.startswith("cp1252 (tie: ")
    assert "cp1250" in encoding


def test_mojibake_of_the_old_detector_is_gone():
    # "hôtels" read as windows-1257 is "hōtels"; "crème" as windows-1250 is "crčme"
    text = "Les hôtels de la côte affichent complet: crème glacée et café crème pour tous, dit le maire.\n"
    decoded, _encoding = decode(text.encode("cp1252"), is_html=False)
    assert decoded == text


def test_azerbaijani_in_legacy_and_in_utf8():
    with pytest.raises(UnicodeEncodeError):
        NEWS["az"].encode("cp1254")
    with pytest.raises(UnicodeEncodeError):
        AZ_CYRILLIC.encode("cp1251")
    assert decode(NEWS["az"].encode("utf-8"), is_html=False) == (NEWS["az"], "utf-8")
    assert decode(AZ_CYRILLIC.encode("utf-8"), is_html=False) == (AZ_CYRILLIC, "utf-8")


def test_no_tie_note_when_one_code_page_is_clear():
    assert decode(NEWS["ru"].encode("cp1251"), is_html=False) == (NEWS["ru"], "cp1251")
    assert decode(NEWS["ru"].encode("koi8-r"), is_html=False) == (NEWS["ru"], "koi8-r")
    # every candidate gives the same German text: the name is the one German was written in
    assert decode(NEWS["de"].encode("cp1252"), is_html=False) == (NEWS["de"], "cp1252")


# --- a stale declaration does not beat valid UTF-8 ------------------------------------


def page(charset: str, title: str, body: str, lang: str = "es") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>"
        + "".join(f"<p>{paragraph}</p>" for paragraph in body.split(". "))
        + "</article></body></html>\n"
    )


SPANISH_TITLE, SPANISH_BODY = NEWS["es"].strip().split("\n\n")
CHINESE = "市政府周三宣布，新的地铁线路将于明年春天开通。官员表示，工程进展顺利，预计总投资约为一百二十亿元。"


@pytest.mark.parametrize("charset", ["iso-8859-1", "ISO-8859-15", "windows-1252"])
def test_declared_latin_charset_with_utf8_bytes(charset):
    html = page(charset, SPANISH_TITLE, SPANISH_BODY)
    text, encoding = decode(html.encode("utf-8"), is_html=True)
    assert text == html
    assert "miércoles" in text and "miÃ©rcoles" not in text
    assert encoding.startswith("utf-8 (declared ")
    assert ENCODING_VALUE.match(encoding), encoding


def test_declared_gb2312_with_utf8_bytes():
    html = page("gb2312", "地铁新线明年开通", CHINESE, lang="zh")
    text, encoding = decode(html.encode("utf-8"), is_html=True)
    assert text == html
    assert encoding == "utf-8 (declared gb18030)"  # w3lib reads GB2312 as its superset


def test_stale_http_content_type_too():
    html = page("utf-8", SPANISH_TITLE, SPANISH_BODY).replace('<meta charset="utf-8">', "")
    text, encoding = decode(html.encode("utf-8"), is_html=True, content_type="text/html; charset=ISO-8859-1")
    assert text == html
    assert encoding == "utf-8 (declared cp1252)"


def test_a_true_declaration_still_wins():
    html = page("iso-8859-1", SPANISH_TITLE, SPANISH_BODY)
    assert decode(html.encode("latin-1"), is_html=True) == (html, "cp1252")
    html = page("gb2312", "地铁新线明年开通", CHINESE, lang="zh")
    text, encoding = decode(html.encode("gb2312"), is_html=True)
    assert text == html and encoding == "gb18030"
    # all ASCII: every ASCII-based charset reads it the same, the declaration is kept
    ascii_page = page("iso-8859-1", "Bridge reopens", "The bridge reopened on Monday. Traffic is light")
    assert decode(ascii_page.encode("ascii"), is_html=True) == (ascii_page, "cp1252")


# --- end to end: the real command, the real archive ----------------------------------


@pytest.mark.slow
def test_ingest_stores_legacy_dumps_and_their_encoding(tmp_path: Path, db_path: Path):
    folder = tmp_path / "legacy"
    folder.mkdir()
    dumps = {
        "fr.txt": ("fr", "cp1252"),
        "de.txt": ("de", "latin-1"),
        "es.txt": ("es", "latin-1"),
        "pl.txt": ("pl", "iso-8859-2"),
        "cs.txt": ("cs", "cp1250"),
        "tr.txt": ("tr", "iso-8859-9"),
        "ru.txt": ("ru", "koi8-r"),
        "az.txt": ("az", "cp1254"),
    }
    for name, (language, written_in) in dumps.items():
        (folder / name).write_bytes(legacy_text(language).encode(written_in))
    (folder / "stale.html").write_bytes(
        page("iso-8859-1", SPANISH_TITLE, SPANISH_BODY.replace("Sevilla", "Cádiz")).encode("utf-8")
    )
    result = run_newsmill("ingest", folder, "--db", db_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    rows = query(
        db_path,
        "select s.path, s.encoding, a.title, a.text from sightings s join articles a on a.id = s.article_id",
    )
    stored = {Path(path).name: (encoding, title, text) for path, encoding, title, text in rows}
    assert set(stored) == set(dumps) | {"stale.html"}
    for name, (language, _written_in) in dumps.items():
        encoding, title, text = stored[name]
        expected_title, expected_body = legacy_text(language).strip().split("\n\n")
        assert title == expected_title, name
        assert expected_body in text, name
        assert ENCODING_VALUE.match(encoding), encoding
    assert code_page(stored["fr.txt"][0]) == "cp1252"
    assert stored["fr.txt"][0].startswith("cp1252 (tie: ")
    assert code_page(stored["pl.txt"][0]) == "iso8859-2"
    assert code_page(stored["cs.txt"][0]) == "cp1250"
    assert code_page(stored["tr.txt"][0]) == "cp1254"
    assert stored["ru.txt"][0] == "koi8-r"
    encoding, title, text = stored["stale.html"]
    assert encoding == "utf-8 (declared cp1252)"
    assert "Cádiz" in text and "miércoles" in text
