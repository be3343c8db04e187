"""The foundation's public pages: published statements only, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_home_lists_published_collections_only(client, make_collection, make_quote):
    shown = make_collection(quotes=[make_quote()])
    hidden = make_collection(status="draft")
    html = client.get("/").content.decode()
    assert shown.title in html and hidden.title not in html


def test_collection_reads_in_order_without_unpublished_entries(client, make_collection, make_quote):
    quotes = [make_quote(f"Entry {n}") for n in range(1, 4)]
    draft = make_quote("DRAFT-MARKER", status="draft")
    collection = make_collection(quotes=[quotes[0], draft, quotes[1], quotes[2]])
    html = client.get(collection.get_absolute_url()).content.decode()
    assert html.index("Entry 1") < html.index("Entry 2") < html.index("Entry 3")
    assert "DRAFT-MARKER" not in html


def test_draft_collection_is_not_found(client, make_collection):
    assert client.get(make_collection(status="draft").get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", ["draft", "review", "withdrawn"])
def test_unpublished_statements_do_not_appear(client, make_quote, make_expert, status):
    expert = make_expert()
    quote = make_quote(f"{status.upper()}-MARKER", speakers=[expert], status=status)
    assert client.get(quote.get_absolute_url()).status_code == 404
    for url in ("/", expert.get_absolute_url(), quote.citations.get().source.get_absolute_url()):
        assert f"{status.upper()}-MARKER" not in client.get(url).content.decode()


def test_collection_page_runs_fixed_queries(client, make_collection, make_quote, make_expert):
    few = make_collection(quotes=[make_quote() for _ in range(2)])
    many = make_collection(
        quotes=[make_quote(speakers=[make_expert(), make_expert()]) for _ in range(25)]
    )
    assert queries_for(client, few.get_absolute_url()) == queries_for(
        client, many.get_absolute_url()
    )


def test_statement_page_shows_kind_in_words_and_role_at_the_time(client, make_quote):
    quote = make_quote(kind="paraphrase")
    html = client.get(quote.get_absolute_url()).content.decode()
    assert "Paraphrase" in html and "Fellow" in html


@pytest.mark.parametrize(
    "url",
    [
        "/quotes/999999/",
        "/experts/nobody/",
        "/countries/ZZ/",
        "/countries/x%00/",
        "/organizations/none/",
        "/outlets/none/",
        "/sources/0/",
        "/topics/none/",
        "/collections/none/",
        "/quotes/1x/",
    ],
)
def test_unknown_objects_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "10" * 15, "2", "%ff", "é" * 5000, "1.5"])
def test_unknown_pages_are_404(client, make_expert, make_quote, page):
    expert = make_expert()
    make_quote(speakers=[expert])
    assert client.get(expert.get_absolute_url(), {"page": page}).status_code == 404
    assert client.get("/quotes/", {"page": page}).status_code == 404


def test_last_page_by_name(client, make_quote):
    for _ in range(21):
        make_quote()
    page = client.get("/quotes/", {"page": "last"}).context["page"]
    assert page.number == 2 and len(page.object_list) == 1


def test_chinese_interface_shows_chinese_names_and_dates(client, seeded):
    html = client.get("/zh-hans/collections/is-there-life-after-new-start/").content.decode()
    assert "帕维尔·波德维格" in html and "美国观点" in html and "2026年2月" in html
    english = client.get("/collections/is-there-life-after-new-start/").content.decode()
    assert "Pavel Podvig" in english and "US perspectives" in english


def test_seeded_joint_statement_page(client, seeded):
    from commentary.models import Quote

    quote = Quote.objects.get(text__startswith="“时间所剩无几")
    html = client.get(quote.get_absolute_url()).content.decode()
    for name in ("Don Beyer", "John Garamendi", "Edward J. Markey", "Jeff Merkley"):
        assert name in html
    assert "Oct. 17, 2025" in html and "Direct quote" in html


@pytest.mark.parametrize("url", ["/", "/experts/someone/", "/collections/x/"])
def test_nul_bytes_in_query_strings_are_a_bad_request(client, url):
    assert client.get(url, {"page": "1\x00"}).status_code == 400


# Query discipline: every page runs a fixed number of queries however many rows it shows.


PINNED_QUERIES = {
    "home": 12,
    "list": 13,
    "list-filtered": 17,
    "quote": 13,
    "experts": 3,
    "expert": 17,
    "countries": 1,
    "country": 14,
    "organization": 16,
    "outlet": 14,
    "source": 14,
    "topic": 14,
    "collection": 9,
}


@pytest.mark.parametrize("name", sorted(PINNED_QUERIES))
def test_query_count_is_pinned_and_independent_of_rows(client, rich_archive, name):
    add, urls = rich_archive
    add(2)
    few = queries_for(client, urls[name]())
    add(18)  # 20 statements with 2 speakers, 2 sources, a translation and a topic each
    many = queries_for(client, urls[name]())
    assert (few, many) == (PINNED_QUERIES[name], PINNED_QUERIES[name])
