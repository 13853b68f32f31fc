"""Dates are one format: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SSZ` in UTC, from every origin.

A time without a zone is read in the source's zone (sources.toml `timezone`, `ingest
--timezone`, UTC by default) and the origin says so; datelines in French, German, Spanish,
Turkish, Russian and Azerbaijani are read and removed as chrome; old archives are rewritten
by a migration.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from crawler.sources import SourceError, load_sources
from pipelines.extractors.dateline import parse_dateline
from pipelines.extractors.html import extract_html
from pipelines.extractors.metadata import parse_date
from pipelines.extractors.textdump import clean_text_dump
from storage.dates import canonical, normalize, with_zone_note
from storage.db import open_database
from storage.dedup.best_fields import origin_rank
from storage.schema import migrations
from tests.conftest import query, run_newsmill

CANONICAL_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"

# --- the one format -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, zone, expected",
    [
        ("2024-06-03T14:30:00+02:00", None, "2024-06-03T12:30:00Z"),
        ("2024-06-03T14:30:00.250+0200", None, "2024-06-03T12:30:00Z"),
        ("2024-06-03T04:40:00Z", "Europe/Paris", "2024-06-03T04:40:00Z"),
        ("2024-06-03 14:30", None, "2024-06-03T14:30:00Z"),
        ("2024-06-03T14:30", "Europe/Paris", "2024-06-03T12:30:00Z"),  # summer: UTC+2
        ("2024-01-15T14:30", "Europe/Paris", "2024-01-15T13:30:00Z"),  # winter: UTC+1
        ("2024-06-03T01:30", "Asia/Baku", "2024-06-02T21:30:00Z"),  # the UTC day is the day before
        ("Mon, 03 Jun 2024 14:30:00 +0200", None, "2024-06-03T12:30:00Z"),
        ("19 Nov 2019 07:09 GMT", "Asia/Baku", "2019-11-19T07:09:00Z"),
        ("Tue Nov 19 2019 03:05:46 GMT+0000", None, "2019-11-19T03:05:46Z"),  # JavaScript's Date
        # too loose to read safely (the PM and the zone would be lost): left to other sources
        ("November 19, 2019, 07:47 PM EST", None, None),
        ("0001-01-01T00:00:00Z", None, "0001-01-01T00:00:00Z"),  # formatted; plausibility is the caller's
        ("2024-06-03", "Asia/Baku", "2024-06-03"),
        ("20240603", None, "2024-06-03"),
        (datetime(2024, 6, 3, 14, 30, tzinfo=UTC), None, "2024-06-03T14:30:00Z"),
        (date(2024, 6, 3), None, "2024-06-03"),
        ("2024-02-30", None, None),
        ("sometime last week", None, None),
    ],
)
def test_every_value_gets_the_one_format(value, zone, expected):
    assert canonical(value, zone) == expected


def test_a_zone_is_noted_only_when_it_was_assumed():
    assumed = normalize("2024-06-03T14:30", "Europe/Paris")
    assert assumed.assumed_zone == "Europe/Paris"
    assert with_zone_note("dateline", assumed) == "dateline (no zone given, read as Europe/Paris)"
    assert with_zone_note("meta", normalize("2024-06-03T14:30:00Z", "Europe/Paris")) == "meta"
    assert with_zone_note("dateline", normalize("2024-06-03", "Europe/Paris")) == "dateline"
    with pytest.raises(ValueError, match="Mars/Olympus"):
        normalize("2024-06-03T14:30", "Mars/Olympus")


def test_origin_rank_reads_the_first_word():
    assert origin_rank("dateline (no zone given, read as Europe/Paris)") == origin_rank("dateline")
    assert origin_rank("meta (no zone given, read as UTC)") == origin_rank("meta")
    assert origin_rank("json-ld") > origin_rank("meta (no zone given, read as UTC)") > origin_rank("htmldate")
    assert origin_rank("htmldate (no zone given, read as UTC)") > origin_rank("url") >= origin_rank("dateline")
    assert origin_rank(None) == origin_rank("") == origin_rank("guess") == 1


# --- HTML pages -----------------------------------------------------------------------

PARAGRAPHS = [
    "The harbour authority of Port Kestrel approved a plan on Monday to dredge the eastern channel, "
    "which has silted up so badly that larger ferries now wait for the tide before they can dock.",
    "Engineers expect the work to take eleven weeks and to cost about four million euros, paid in part "
    "from a regional fund for coastal transport that was set up after the storms of the last two winters.",
    "Fishing crews, who use the same channel before dawn, asked for the dredgers to stop between three and "
    "six in the morning; the authority said it would publish a timetable once the contractor is chosen.",
    "The mayor welcomed the decision but warned that the western quay, closed since a crane collapsed in "
    "spring, still needs repairs that no budget has yet been found for.",
]


def page(head: str = "", byline: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Port Kestrel will dredge its eastern channel | Kestrel Gazette</title>{head}</head>
<body><header><a href="/">Kestrel Gazette</a></header><main><article>
<h1>Port Kestrel will dredge its eastern channel</h1>{byline}
<div class="article-body">{body}</div></article></main>
<footer><p>Kestrel Gazette, 2 Harbour Row.</p></footer></body></html>"""


def jsonld(**fields) -> str:
    import json

    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "headline": "Port Kestrel will dredge its eastern channel", **fields})}</script>'


def test_json_ld_with_an_offset_is_stored_in_utc():
    result = extract_html(
        page(jsonld(datePublished="2024-06-03T14:30:00+04:00", dateModified="2024-06-04T09:05:00+04:00"))
    )
    assert (result.published, result.published_origin) == ("2024-06-03T10:30:00Z", "json-ld")
    assert result.modified == "2024-06-04T05:05:00Z"


def test_meta_in_utc_stays_as_it_is_whatever_the_source_zone():
    head = '<meta property="article:published_time" content="2024-06-03T04:40:00Z">'
    result = extract_html(page(head), timezone="Asia/Baku")
    assert (result.published, result.published_origin) == ("2024-06-03T04:40:00Z", "meta")
    assert result.modified is None  # the page declares no change


def test_naive_meta_is_read_in_the_source_zone():
    head = (
        '<meta property="article:published_time" content="2024-06-03T09:15:00">'
        '<meta property="article:modified_time" content="2024-06-03T18:00">'
    )
    result = extract_html(page(head), timezone="Europe/Paris")
    assert result.published == "2024-06-03T07:15:00Z"
    assert result.published_origin == "meta (no zone given, read as Europe/Paris)"
    assert result.modified == "2024-06-03T16:00:00Z"
    # without a zone from the source, UTC, and the origin still says it was assumed
    default = extract_html(page(head))
    assert (default.published, default.published_origin) == (
        "2024-06-03T09:15:00Z",
        "meta (no zone given, read as UTC)",
    )


def test_placeholder_dates_are_no_dates():
    assert parse_date("0001-01-01T00:00:00Z") is None
    assert parse_date("2999-01-01T00:00:00Z") is None
    result = extract_html(
        page(jsonld(datePublished="0001-01-01T00:00:00Z")), url="https://gazette.test/2024/06/03/dredge/"
    )
    assert (result.published, result.published_origin) == ("2024-06-03", "url")


def test_date_only_stays_a_day():
    result = extract_html(page(jsonld(datePublished="2024-06-03")), timezone="Pacific/Auckland")
    assert (result.published, result.published_origin) == ("2024-06-03", "json-ld")
    assert parse_date("2024-06-03") == "2024-06-03"


def test_time_element_and_modified_time_element():
    byline = (
        '<p class="byline"><time itemprop="datePublished" datetime="2024-06-03T08:00:00-05:00">June 3</time>'
        ' <time itemprop="dateModified" datetime="2024-06-05T08:00:00-05:00">June 5</time></p>'
    )
    result = extract_html(page(byline=byline))
    assert (result.published, result.published_origin) == ("2024-06-03T13:00:00Z", "meta")
    assert result.modified == "2024-06-05T13:00:00Z"


def test_a_modified_date_before_publication_is_a_template_leftover():
    result = extract_html(page(jsonld(datePublished="2024-06-03T10:00:00Z", dateModified="2019-01-01T00:00:00Z")))
    assert result.published == "2024-06-03T10:00:00Z"
    assert result.modified is None


def test_every_html_date_has_the_canonical_shape():
    import re

    for head in (
        jsonld(datePublished="2024-06-03T14:30:00.000+0530"),
        '<meta name="pubdate" content="2024-06-03 14:30:00">',
        '<meta property="article:published_time" content="2024-06-03T14:30:00-07:00">',
    ):
        result = extract_html(page(head), timezone="America/New_York")
        assert re.match(CANONICAL_TIME, result.published), (head, result.published)


# --- text dumps -----------------------------------------------------------------------


def dump(headline: str, dateline: str, paragraphs: list[str], section: str = "News") -> str:
    return "\n\n".join([section, headline, dateline, *paragraphs, "Share this article"]) + "\n"


ENGLISH_BODY = PARAGRAPHS[:3]


def test_dateline_time_is_read_in_a_non_utc_zone():
    text = dump("Port Kestrel will dredge its eastern channel", "Published on June 3, 2024 at 2:30 pm", ENGLISH_BODY)
    result = clean_text_dump(text, timezone="Asia/Baku")
    assert result.published == "2024-06-03T10:30:00Z"  # Baku is UTC+4
    assert result.published_origin == "dateline (no zone given, read as Asia/Baku)"
    assert any(r.rule == "structure:dateline" for r in result.removed)
    # a dateline that names its zone is not read in the source's zone
    stated = clean_text_dump(text.replace("2:30 pm", "2:30 pm GMT"), timezone="Asia/Baku")
    assert (stated.published, stated.published_origin) == ("2024-06-03T14:30:00Z", "dateline")


# Each language: (headline, dateline, body paragraphs, expected published)
LANGUAGES = {
    "fr": (
        "La ville de Lyon ouvre une nouvelle ligne de tramway vers l'est",
        "Publié le 3 juin 2024 à 14h30",
        [
            "La métropole de Lyon a inauguré lundi une nouvelle ligne de tramway qui relie la gare de la "
            "Part-Dieu aux communes de l'est, après trois ans de travaux et plusieurs retards.",
            "Les premières rames circulent toutes les six minutes aux heures de pointe, et la ville espère "
            "retirer ainsi près de dix mille voitures par jour du périphérique.",
        ],
        "2024-06-03T12:30:00Z",
    ),
    "de": (
        "Neue Radbrücke über den Neckar wird im Herbst eröffnet",
        "Veröffentlicht am 3. Juni 2024, 09:45 Uhr",
        [
            "Die Stadt Heidelberg hat am Montag mitgeteilt, dass die neue Brücke für Radfahrer und Fußgänger "
            "im Oktober für den Verkehr freigegeben werden soll.",
            "Die Baukosten liegen nach Angaben der Verwaltung bei rund zwölf Millionen Euro, von denen das "
            "Land etwa die Hälfte übernimmt.",
        ],
        "2024-06-03T07:45:00Z",
    ),
    "es": (
        "Valencia amplía el horario del metro durante las fiestas de verano",
        "martes, 3 de junio de 2024",
        [
            "El ayuntamiento de Valencia anunció el lunes que el metro funcionará toda la noche los fines de "
            "semana de julio y agosto para atender a los visitantes.",
            "La empresa de transporte reforzará además las líneas que llegan a la playa con trenes cada diez "
            "minutos durante las tardes.",
        ],
        "2024-06-03",
    ),
    "tr": (
        "İzmir'de yeni feribot hattı yolcu taşımaya başladı",
        "3 Haziran 2024 Pazartesi 18:20",
        [
            "İzmir Büyükşehir Belediyesi, Karşıyaka ile Konak arasındaki yeni feribot hattının pazartesi "
            "sabahından itibaren her yarım saatte bir sefer yapacağını açıkladı.",
            "Belediye, yaz aylarında yolcu sayısının iki katına çıkmasını beklediğini ve gerekirse ek "
            "seferler konulacağını belirtti.",
        ],
        "2024-06-03T15:20:00Z",
    ),
    "ru": (
        "В Казани открыли новый мост через реку Казанку",
        "3 июня 2024, 11:05",
        [
            "В понедельник в Казани открыли движение по новому мосту, который соединил два крупных района "
            "города и должен разгрузить центральные улицы.",
            "По словам мэрии, строительство заняло два года, а первые автобусные маршруты пустят по мосту "
            "уже в конце месяца.",
        ],
        "2024-06-03T08:05:00Z",
    ),
    "az": (
        "Gəncədə yeni park sakinlərin istifadəsinə verildi",
        "3 iyun 2024, 10:00",
        [
            "Gəncə şəhərində bazar ertəsi yeni park açıldı və sakinlər ilk gündən gəzinti yollarından "
            "istifadə etməyə başladılar.",
            "Şəhər icra hakimiyyəti parkda uşaq meydançası və velosiped yolunun da tikildiyini bildirdi.",
        ],
        "2024-06-03T06:00:00Z",
    ),
}
ZONES = {
    "fr": "Europe/Paris",
    "de": "Europe/Berlin",
    "es": "Europe/Madrid",
    "tr": "Europe/Istanbul",
    "ru": "Europe/Moscow",
    "az": "Asia/Baku",
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_datelines_in_six_languages_are_chrome_and_the_date(language):
    headline, dateline, body, expected = LANGUAGES[language]
    result = clean_text_dump(dump(headline, dateline, body), timezone=ZONES[language])
    assert result.published == expected
    assert result.published_origin.startswith("dateline")
    assert dateline not in result.paragraphs
    assert any(r.text == dateline and r.rule == "structure:dateline" for r in result.removed)
    assert result.title == headline
    assert result.paragraphs == body


def test_a_dateline_split_over_two_lines_is_chrome_too():
    headline, _, body, _ = LANGUAGES["fr"]
    text = "\n\n".join(["Transports", headline, "Publié le", "3 juin 2024 à 14h30", *body]) + "\n"
    result = clean_text_dump(text, timezone="Europe/Paris")
    assert result.published == "2024-06-03T12:30:00Z"
    rules = {r.text: r.rule for r in result.removed}
    assert rules["Publié le"] == "phrase:dateline-fragment"
    assert rules["3 juin 2024 à 14h30"] == "structure:dateline"
    assert result.paragraphs == body


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Publié le 3 juin 2024", "2024-06-03"),
        ("Mis à jour le 1er juillet 2024 à 08h15", "2024-07-01T08:15"),
        ("mardi 3 mars 2024", "2024-03-03"),
        ("Veröffentlicht am 3. Juni 2024", "2024-06-03"),
        ("3. März 2024", "2024-03-03"),
        ("3. Jänner 2024", "2024-01-03"),
        ("Aktualisiert: 12. Dezember 2023, 17:40 Uhr", "2023-12-12T17:40"),
        ("3 de junio de 2024", "2024-06-03"),
        ("martes, 5 de marzo de 2024", "2024-03-05"),  # "martes" is Tuesday, not March
        ("Publicado el 14 de mayo de 2024 a las 10:15", "2024-05-14T10:15"),
        ("3 Haziran 2024", "2024-06-03"),
        ("3 Mart 2024", "2024-03-03"),
        ("21 Mayıs 2024", "2024-05-21"),
        ("12 EKİM 2023", "2023-10-12"),
        ("7 Kasım 2023 Salı", "2023-11-07"),
        ("30 Aralık 2023", "2023-12-30"),
        ("3 июня 2024", "2024-06-03"),
        ("3 iyun 2024", "2024-06-03"),
        ("12 mai 2024", "2024-05-12"),  # German and French May
        ("9 June 2021 14:32 GMT+4", "2021-06-09T14:32+04:00"),
    ],
)
def test_month_names_of_every_language(line, expected):
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Le 3 juin 2024, le conseil municipal a voté la gratuité des transports pour les moins de vingt ans.",
        "Am 3. Juni 2024 hat der Stadtrat beschlossen, die Buslinien in den Vororten deutlich auszubauen.",
        "El 3 de junio de 2024 el gobierno regional presentó un plan para renovar todas las estaciones.",
        "3 Haziran 2024 tarihinde belediye meclisi yeni otobüs hatlarının açılmasına oy birliğiyle karar verdi.",
        "3 июня 2024 года городская дума утвердила план ремонта всех школ в центральном районе.",
        "Martes Group reported a profit on 3 March 2024 after selling two factories in the north.",
    ],
)
def test_a_sentence_mentioning_a_date_is_no_dateline(line):
    assert parse_dateline(line) is None


def test_a_body_sentence_with_a_date_is_not_taken_for_the_date():
    body = [
        "Le 3 juin 2024, le conseil municipal de Lyon a voté la gratuité des transports pour les moins de "
        "vingt ans, une mesure promise pendant la campagne.",
        "La mesure coûtera environ douze millions d'euros par an, selon les services de la métropole.",
    ]
    result = clean_text_dump(
        "\n\n".join(["Transports", "Lyon rend les transports gratuits pour les jeunes", *body]) + "\n"
    )
    assert result.published is None
    assert result.paragraphs == body


def test_an_updated_dateline_is_the_modified_date():
    text = "\n\n".join(
        [
            "News",
            "Port Kestrel will dredge its eastern channel",
            "Published: June 3, 2024 14:30",
            "Updated: June 4, 2024 09:00",
            *ENGLISH_BODY,
        ]
    )
    result = clean_text_dump(text, timezone="Europe/London")
    assert result.published == "2024-06-03T13:30:00Z"
    assert result.modified == "2024-06-04T08:00:00Z"


# --- sources.toml `timezone` ----------------------------------------------------------


def test_source_timezone_key(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[sources.gazette]\nfeeds = ["https://gazette.test/rss"]\ntimezone = "Europe/Paris"\n', encoding="utf-8"
    )
    assert load_sources(path)["gazette"].timezone == "Europe/Paris"
    path.write_text('[sources.gazette]\nfeeds = ["https://gazette.test/rss"]\n', encoding="utf-8")
    assert load_sources(path)["gazette"].timezone is None


@pytest.mark.parametrize("value", ['"Europe/Pariss"', '"+02:00"', "2", '""'])
def test_bad_source_timezone_names_the_source_and_the_key(tmp_path, value):
    path = tmp_path / "sources.toml"
    path.write_text(f'[sources.gazette]\nfeeds = ["https://gazette.test/rss"]\ntimezone = {value}\n', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_sources(path)
    assert "source 'gazette': key 'timezone'" in str(caught.value)
    assert str(path) in str(caught.value)


def test_crawled_pages_carry_the_source_zone(tmp_path):
    from scrapy.http import HtmlResponse
    from scrapy.settings import Settings

    from crawler.spiders.news import NewsSpider

    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[sources.gazette]\nstart_urls = ["http://127.0.0.1:9/"]\ntimezone = "Asia/Baku"\n'
        '[sources.other]\nstart_urls = ["http://127.0.0.1:9/"]\n',
        encoding="utf-8",
    )
    for name, settings, expected in (
        ("gazette", {"NEWSMILL_TIMEZONE": "Europe/Paris"}, "Asia/Baku"),  # the source's zone wins
        ("other", {"NEWSMILL_TIMEZONE": "Europe/Paris"}, "Europe/Paris"),
    ):
        spider = NewsSpider(source=name)
        spider._configure(Settings({"NEWSMILL_SOURCES": str(sources), **settings}))
        response = HtmlResponse("http://127.0.0.1:9/a", body=b"<html></html>", headers={"Content-Type": "text/html"})
        assert spider._document(response).timezone == expected


def test_a_bad_run_timezone_stops_the_crawl_before_it_starts(tmp_path):
    from scrapy.settings import Settings

    from crawler.spiders.news import NewsSpider

    sources = tmp_path / "sources.toml"
    sources.write_text('[sources.other]\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    spider = NewsSpider(source="other")
    with pytest.raises(SourceError, match="NEWSMILL_TIMEZONE 'Europe/Pariss'"):
        spider._configure(Settings({"NEWSMILL_SOURCES": str(sources), "NEWSMILL_TIMEZONE": "Europe/Pariss"}))


def test_crawl_with_a_bad_timezone_is_one_line(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[sources.gazette]\nstart_urls = ["http://127.0.0.1:9/"]\ntimezone = "Nowhere/Land"\n', encoding="utf-8"
    )
    result = run_newsmill("crawl", "gazette", "--sources", sources, "--db", tmp_path / "a.db")
    assert result.returncode == 2
    assert "source 'gazette': key 'timezone'" in result.stderr
    assert "Traceback" not in result.stderr


# --- ingest end to end ----------------------------------------------------------------


@pytest.mark.slow
def test_ingest_reads_naive_times_in_the_given_zone(tmp_path):
    folder = tmp_path / "dumps"
    folder.mkdir()
    headline, dateline, body, _ = LANGUAGES["fr"]
    (folder / "tram.txt").write_text(dump(headline, dateline, body, section="Transports"), encoding="utf-8")
    # an HTML page goes through a worker process: the zone must travel with it
    head = '<meta property="article:published_time" content="2024-06-03T09:15:00">'
    (folder / "port.html").write_text(page(head), encoding="utf-8")
    db = tmp_path / "archive.db"
    result = run_newsmill("ingest", folder, "--db", db, "--timezone", "Europe/Paris", "-q", "-s", "NEWSMILL_WORKERS=1")
    assert result.returncode == 0, result.stderr
    rows = dict(
        (title, (published, origin, text))
        for title, published, origin, text in query(db, "select title, published, published_origin, text from articles")
    )
    published, origin, text = rows[headline]
    assert (published, origin) == ("2024-06-03T12:30:00Z", "dateline (no zone given, read as Europe/Paris)")
    assert "Publié le" not in text
    ((published, origin, _),) = [row for title, row in rows.items() if title.startswith("Port Kestrel")]
    assert (published, origin) == ("2024-06-03T07:15:00Z", "meta (no zone given, read as Europe/Paris)")


def test_ingest_refuses_an_unknown_timezone(tmp_path):
    (tmp_path / "a.txt").write_text(dump(*LANGUAGES["fr"][:3]), encoding="utf-8")
    result = run_newsmill("ingest", tmp_path / "a.txt", "--db", tmp_path / "a.db", "--timezone", "Europe/Lyon")
    assert result.returncode == 2
    assert "--timezone 'Europe/Lyon'" in result.stderr
    assert "Traceback" not in result.stderr


# --- the migration --------------------------------------------------------------------

OLD_DATES = [
    # (published as an old release stored it, origin, after the migration)
    ("2024-05-12T14:30", "dateline", "2024-05-12T14:30:00Z"),
    ("2024-05-12T04:40:00Z", "meta", "2024-05-12T04:40:00Z"),
    ("2024-05-12", "url", "2024-05-12"),
    ("2024-05-12T14:30:00", "meta", "2024-05-12T14:30:00Z"),
    ("2024-05-12T14:30:00+00:00", "json-ld", "2024-05-12T14:30:00Z"),
    ("not a date", "htmldate", "not a date"),
    (None, None, None),
]


def test_migration_rewrites_stored_dates(tmp_path):
    path = tmp_path / "old.db"
    old = open_database(path, migrate=False)
    migrations.apply(old, stop_before="m014_normalize_dates")
    old.close()
    with sqlite3.connect(path) as connection:
        for number, (published, origin, _) in enumerate(OLD_DATES):
            connection.execute(
                "INSERT INTO articles (title, text, published, published_origin, content_hash, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?, '2024-05-12T15:00:00+00:00', '2024-05-12T15:00:00+00:00')",
                [f"Story {number}", f"Text of story {number}.", published, origin, f"hash{number}"],
            )
    assert "m014_normalize_dates" in {m.name for m in migrations.pending(open_database(path, migrate=False))}

    db = open_database(path)
    rows = db.execute("SELECT title, published, published_origin FROM articles ORDER BY id").fetchall()
    db.close()
    assert rows == [(f"Story {n}", after, origin) for n, (_, origin, after) in enumerate(OLD_DATES)]
    # the full-text index is untouched, and a second open changes nothing
    assert query(path, "select count(*) from articles_fts where articles_fts match 'story'") == [(len(OLD_DATES),)]
    open_database(path).close()
    assert query(path, "select published from articles order by id") == [(after,) for _, _, after in OLD_DATES]


def test_versions_hold_no_dates_to_normalise(tmp_path):
    db = open_database(tmp_path / "a.db")
    columns = set(db["versions"].columns_dict)
    db.close()
    assert not columns & {"published", "modified"}, "m014 must normalise the versions' dates too"
