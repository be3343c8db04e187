"""Exports of any statement list: every matching published row, streamed, read back by
real parsers (the csv and json modules)."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commentary.models import Country
from commentary.outputs import streaming

pytestmark = pytest.mark.django_db


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    text = body(response)
    assert text.startswith("\ufeff")  # spreadsheet programs then read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def listed_ids(client, query):
    """Every statement id the list shows for ``query``, page after page."""
    ids, page = [], 1
    while True:
        response = client.get("/quotes/", {**query, "page": page})
        ids += [quote.pk for quote in response.context["page"]]
        if not response.context["page"].has_next():
            return ids
        page += 1


@pytest.fixture
def archive(make_quote, make_expert):
    russia = Country.objects.create(code="RU", name="Russia", name_zh="俄罗斯", region="Europe")
    china = Country.objects.create(code="CN", name="China", name_zh="中国", region="Asia")
    ryabkov = make_expert("Sergei Ryabkov", country=russia, name_zh="谢尔盖·里亚布科夫")
    zhang = make_expert("Zhang San", country=china, name_zh="张三", sort_name="Zhang, San")
    quotes = [
        make_quote(
            f"Statement {n} on arms control",
            speakers=[ryabkov],
            said_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        )
        for n in range(23)
    ]
    joint = make_quote(
        '核军备竞赛, "quoted", a comma; and\nnew lines',
        speakers=[zhang, ryabkov],
        language="zh-Hans",
        kind="paraphrase",
        said_on=datetime.date(2026, 2, 1),
        date_precision="month",
    )
    draft = make_quote("DRAFTMARKER words", speakers=[ryabkov], status="draft")
    return {"quotes": quotes, "joint": joint, "draft": draft, "ryabkov": ryabkov}


def test_csv_has_every_row_the_filters_select_not_just_a_page(archive, client):
    query = {"country": "RU", "q": "arms"}
    rows = csv_rows(client.get("/quotes/export.csv", query))
    assert [int(row["id"]) for row in rows] == listed_ids(client, query)
    assert len(rows) == 23  # more than one page of 20


def test_csv_reads_back_chinese_text_joint_speakers_and_partial_dates(archive, client):
    rows = csv_rows(client.get("/quotes/export.csv", {"language": "zh-Hans"}))
    assert len(rows) == 1
    row = rows[0]
    assert row["text"] == archive["joint"].text
    assert row["kind"] == "paraphrase"
    assert row["said_on"] == "2026-02"
    assert row["date_precision"] == "month"
    assert row["speakers"] == "Zhang San | Sergei Ryabkov"
    assert row["speakers_zh"] == "张三 | 谢尔盖·里亚布科夫"
    assert row["speaker_countries"] == "CN | RU"
    assert row["url"] == f"http://testserver/quotes/{archive['joint'].pk}/"


def test_json_and_json_lines_hold_the_same_records(archive, client):
    records = json.loads(body(client.get("/quotes/export.json")))
    lines = [json.loads(line) for line in body(client.get("/quotes/export.jsonl")).splitlines()]
    assert records == lines
    assert len(records) == 24
    joint = next(r for r in records if r["id"] == archive["joint"].pk)
    assert [s["name_zh"] for s in joint["speakers"]] == ["张三", "谢尔盖·里亚布科夫"]
    assert joint["speakers"][0]["role"] == "Fellow"
    assert joint["citations"][0]["url"] == ""
    assert joint["said_on"] == "2026-02"


def test_exports_follow_the_lists_order(archive, client):
    query = {"sort": "oldest"}
    records = json.loads(body(client.get("/quotes/export.json", query)))
    assert [r["id"] for r in records] == listed_ids(client, query)


def test_scoped_page_links_export_its_own_statements(archive, client):
    expert = archive["ryabkov"]
    page = client.get(expert.get_absolute_url(), {"kind": "direct"})
    links = dict(page.context["downloads"])
    assert links["CSV"] == f"/quotes/export.csv?kind=direct&expert={expert.slug}"
    rows = csv_rows(client.get(links["CSV"]))
    assert [int(row["id"]) for row in rows] == [q.pk for q in page.context["page"]][:20] + [
        q.pk
        for q in client.get(expert.get_absolute_url(), {"kind": "direct", "page": 2}).context[
            "page"
        ]
    ]


def test_unpublished_statements_are_never_exported(archive, client):
    for fmt in ("csv", "json", "jsonl"):
        text = body(client.get(f"/quotes/export.{fmt}", {"q": "DRAFTMARKER"}))
        assert "DRAFTMARKER" not in text
        assert "DRAFTMARKER" not in body(client.get(f"/quotes/export.{fmt}"))


def test_invalid_filters_answer_400_naming_the_parameter(archive, client):
    response = client.get("/quotes/export.csv", {"country": "XX", "date_from": "2026-13"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"country", "date_from"}
    assert "XX" in errors["country"][0]


def test_exports_are_attachments_with_their_content_types(archive, client):
    response = client.get("/quotes/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statements.csv"'
    assert client.get("/quotes/export.jsonl")["Content-Type"].startswith("application/jsonl")
    assert client.post("/quotes/export.csv").status_code == 405
    assert client.get("/quotes/export.xml").status_code == 404


def _queries_for_export(client):
    with CaptureQueriesContext(connection) as queries:
        body(client.get("/quotes/export.jsonl"))
    return len(queries)


def test_rows_are_read_a_chunk_at_a_time(archive, client, monkeypatch, make_quote):
    """Memory stays constant: rows arrive in chunks, each prefetched on its own, so the
    queries grow with the number of chunks, never with the number of rows."""

    def queries(chunk_size):
        monkeypatch.setattr(streaming, "CHUNK_SIZE", chunk_size)
        return _queries_for_export(client)

    one_chunk, two_chunks = queries(1000), queries(12)  # 24 rows
    per_chunk = two_chunks - one_chunk
    assert per_chunk >= 4  # speakers, citations, topics, translations (no originals here)
    for _ in range(6):
        make_quote(speakers=[archive["ryabkov"]])
    assert queries(1000) == one_chunk  # 30 rows, the same queries
    assert queries(12) == one_chunk + 2 * per_chunk  # 30 rows in three chunks


def test_every_list_page_links_its_feed_in_the_head_and_beside_the_downloads(archive, client):
    expert = archive["ryabkov"]
    page = client.get(expert.get_absolute_url(), {"kind": "direct", "page": 2})
    feed = f"/experts/{expert.slug}/feed/?kind=direct"
    assert page.context["feed_url"] == feed
    html = page.content.decode()
    head = html[: html.index("</head>")]
    assert f'type="application/atom+xml" title="Atom feed of these statements" href="{feed}"' in (
        head.replace("&amp;", "&")
    )
    listing = client.get("/quotes/", {"country": "RU", "sort": "oldest"})
    assert listing.context["feed_url"] == "/quotes/feed/?country=RU"
    assert dict(listing.context["downloads"])["BibTeX"] == "/quotes/cite.bib?country=RU&sort=oldest"
    source = archive["joint"].citations.get().source
    assert client.get(source.get_absolute_url()).context["feed_url"] == (
        f"/quotes/feed/?source={source.pk}"
    )
    assert client.get(page.context["feed_url"]).status_code == 200


def test_translations_link_only_published_statements(archive, client, make_quote):
    expert = archive["ryabkov"]
    original = make_quote("Original words", speakers=[expert])
    published = make_quote("译文", speakers=[expert], original=original, language="zh-Hans")
    make_quote("DRAFTMARKER 草稿译文", speakers=[expert], original=original, status="draft")
    draft_original = make_quote("DRAFTMARKER original", speakers=[expert], status="draft")
    orphan = make_quote("Translated words", speakers=[expert], original=draft_original)
    records = {r["id"]: r for r in json.loads(body(client.get("/quotes/export.json")))}
    assert records[original.pk]["translations"] == [published.pk]
    assert records[published.pk]["original"] == original.pk
    assert records[orphan.pk]["original"] is None
    assert records[original.pk]["speakers"][0]["url"] == (
        f"http://testserver/experts/{expert.slug}/"
    )


def test_a_statement_withdrawn_during_an_export_is_left_out(archive, client, monkeypatch):
    """Ids are chosen when the export starts; each batch is read through published()
    again, so work taken down meanwhile is not written out. (On SQLite the id scan itself
    sees the change; PostgreSQL's held cursor does not, and there this test bites.)"""
    monkeypatch.setattr(streaming, "CHUNK_SIZE", 5)
    response = client.get("/quotes/export.jsonl", {"sort": "oldest"})
    lines = iter(response.streaming_content)
    first = [json.loads(next(lines)) for _ in range(5)]  # the first batch
    later = archive["quotes"][10]
    later.text, later.status = "DRAFTMARKER edited after withdrawal", "withdrawn"
    later.save()
    rest = [json.loads(line) for line in lines]
    ids = [r["id"] for r in first + rest]
    assert later.pk not in ids
    assert len(ids) == 23
    assert "DRAFTMARKER" not in json.dumps(rest)


def test_scoped_links_drop_filters_the_page_ignores(archive, client):
    """A country page has no region filter: its links must not pass one on."""
    page = client.get("/countries/RU/", {"region": "Americas", "kind": "direct"})
    shown = page.context["page"].paginator.count
    links = dict(page.context["downloads"])
    assert links["CSV"] == "/quotes/export.csv?kind=direct&country=RU"
    assert page.context["feed_url"] == "/countries/RU/feed/?kind=direct"
    assert len(csv_rows(client.get(links["CSV"]))) == shown == 23


def test_csv_cells_never_run_as_spreadsheet_formulas(archive, client, make_quote):
    make_quote('=HYPERLINK("https://evil.example","click")', speakers=[archive["ryabkov"]])
    rows = csv_rows(client.get("/quotes/export.csv", {"q": "HYPERLINK"}))
    assert rows[0]["text"] == '\'=HYPERLINK("https://evil.example","click")'
    records = json.loads(body(client.get("/quotes/export.json", {"q": "HYPERLINK"})))
    assert records[0]["text"].startswith("=HYPERLINK")  # JSON keeps the text as it is
