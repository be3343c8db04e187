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
    source = quote.citations.get().source
    make_quote("Published words.", speakers=[expert], sources=[source])  # the pages exist
    permalink = client.get(quote.get_absolute_url())
    assert permalink.status_code == (410 if status == "withdrawn" else 404)
    assert f"{status.upper()}-MARKER" not in permalink.content.decode()
    for url in ("/", expert.get_absolute_url(), source.get_absolute_url()):
        assert client.get(url).status_code == 200
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


# Lists: count, page, prefetches, then the facets: one query for the rows they count (plus
# one per active facet filter, for the counts beside it; kind, language and date are counted
# from those rows), one for topics, two for countries. A repeated request reads the count and
# the facets from the cache (test_search.py); these are first requests.
PINNED_QUERIES = {
    "home": 10,
    "list": 12,
    "list-filtered": 19,
    "quote": 13,
    "experts": 3,
    "expert": 16,
    "countries": 1,
    "country": 12,
    "organization": 15,
    "outlet": 13,
    "source": 13,
    "topic": 13,
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


# What each page shows.


def test_card_links_sources_archive_and_broken_note(client, make_quote, make_source):
    source = make_source(
        title="Interview",
        url="https://example.org/a",
        archived_url="https://web.archive.org/x",
        link_status="broken",
    )
    quote = make_quote(sources=[source])
    html = client.get("/quotes/").content.decode()
    assert (
        '<a class="external broken-link" href="https://example.org/a" rel="noopener noreferrer">'
        in html
    )
    assert 'href="https://web.archive.org/x" rel="noopener noreferrer"' in html
    # Broken: the copy elsewhere comes before the live link.
    assert html.index("https://web.archive.org/x") < html.index("https://example.org/a")
    assert "original link broken: read the archived copy" in html
    assert source.get_absolute_url() in html and quote.get_absolute_url() in html


def test_card_links_translation_and_original_only_when_published(client, make_quote):
    original = make_quote("Original words", language="en")
    translation = make_quote("译文", language="zh-Hans", original=original)
    make_quote("草稿译文", language="fr", original=original, status="draft")
    html = client.get(original.get_absolute_url()).content.decode()
    assert translation.get_absolute_url() in html and "French" not in html
    html = client.get(translation.get_absolute_url()).content.decode()
    assert "Translation of the English original" in html
    draft_original = make_quote("Hidden original", status="draft")
    orphan = make_quote("孤儿译文", original=draft_original)
    html = client.get(orphan.get_absolute_url()).content.decode()
    assert draft_original.get_absolute_url() not in html


def test_statement_page_has_roles_collections_related_and_citation(
    client, make_quote, make_expert, make_collection
):
    expert = make_expert("Pavel Podvig")
    quote = make_quote("Main words", speakers=[expert], kind="partial")
    other = make_quote("Earlier words", speakers=[expert])
    collection = make_collection(quotes=[quote])
    html = client.get(quote.get_absolute_url()).content.decode()
    assert "Fellow" in html and "at the time" in html
    assert "First appearance" in html
    assert collection.get_absolute_url() in html
    assert other.get_absolute_url() in html  # other statements by the same speaker
    assert "This is a partial quote" in html
    citation = html.split('id="citation-text"')[1].split("</textarea>")[0]
    assert "Pavel Podvig (Fellow" in citation and "Main words (partial quote)" in citation
    assert "“Main words”" not in citation  # a partial quote is not all the speaker's words
    assert f"http://testserver{quote.get_absolute_url()}" in citation and "accessed" in citation


def test_expert_page_timeline_names_and_co_speakers(client, make_quote, make_expert):
    import datetime

    from commentary.models import Affiliation, ExpertName, Organization

    expert = make_expert("Pavel Podvig", name_zh="帕维尔·波德维格")
    ExpertName.objects.create(expert=expert, name="Павел Подвиг", language="ru")
    unidir = Organization.objects.create(name="UNIDIR", slug="unidir")
    Affiliation.objects.create(
        expert=expert,
        organization=unidir,
        role="Senior Researcher",
        start_date=datetime.date(2014, 1, 1),
    )
    Affiliation.objects.create(
        expert=expert,
        role="Researcher",
        organization=Organization.objects.create(name="MIPT", slug="mipt"),
        start_date=datetime.date(1995, 1, 1),
        end_date=datetime.date(2004, 1, 1),
    )
    partner = make_expert("Co Speaker")
    make_quote(speakers=[expert, partner])
    make_quote(speakers=[expert, partner])
    html = client.get(expert.get_absolute_url()).content.decode()
    assert "Павел Подвиг" in html and "帕维尔·波德维格" in html
    assert html.index("Senior Researcher") < html.index("Researcher, <a")  # current first
    assert "since 2014" in html and "1995–2004" in html
    assert "Current" in html and "Former" in html
    assert "Co Speaker" in html and "2 joint statements" in html


def test_country_page_lists_experts_with_counts(client, make_quote, make_expert, country):
    expert = make_expert("Dmitry Trenin", country=country)
    make_quote(speakers=[expert])
    make_quote(speakers=[make_expert("Draft Only", country=country)], status="draft")
    html = client.get("/countries/RU/").content.decode()
    assert "Dmitry Trenin" in html and "1 statement" in html
    assert "Draft Only" not in html
    assert "Russia" in client.get("/countries/").content.decode()


def test_organization_page_people_then_and_now(client, make_quote, make_expert):
    from commentary.models import Affiliation, Organization

    org = Organization.objects.create(name="SIPRI", slug="sipri")
    now, then = make_expert("Now Person"), make_expert("Then Person")
    Affiliation.objects.create(expert=now, organization=org, role="Director")
    Affiliation.objects.create(expert=then, organization=org, role="Fellow", is_former=True)
    make_quote(speakers=[now])
    make_quote(speakers=[then])
    html = client.get(org.get_absolute_url()).content.decode()
    assert html.index("Now Person") < html.index("Then Person")
    assert "current" in html and "former" in html


def test_expert_list_finds_any_spelling(client, make_quote, make_expert):
    from commentary.models import ExpertName

    expert = make_expert("Pavel Podvig")
    ExpertName.objects.create(expert=expert, name="Павел Подвиг")
    make_quote(speakers=[expert])
    make_quote(speakers=[make_expert("Someone Else")])
    page = client.get("/experts/", {"name": "Подвиг"}).context["page"]
    assert list(page.object_list) == [expert]
    assert client.get("/experts/", {"country": "ZZ"}).status_code == 400


def test_home_has_search_totals_and_browse(client, seeded):
    html = client.get("/").content.decode()
    assert 'action="/quotes/"' in html and 'name="q"' in html
    assert "/countries/RU/" in html and "/collections/is-there-life-after-new-start/" in html
    assert "Latest statements" in html


def test_language_links_keep_path_and_filters(client, seeded):
    html = client.get("/quotes/", {"country": "RU", "kind": "direct"}).content.decode()
    assert 'href="/zh-hans/quotes/?country=RU&amp;kind=direct"' in html
    html = client.get("/zh-hans/quotes/", {"country": "RU"}).content.decode()
    assert 'href="/quotes/?country=RU"' in html and 'lang="zh-Hans"' in html


def test_chinese_interface_shows_chinese_roles(client, seeded):
    html = client.get("/zh-hans/experts/pavel-podvig/").content.decode()
    assert "帕维尔·波德维格" in html and "联合国裁军研究所" in html


def test_records_known_only_from_drafts_have_no_public_page(client, make_quote, make_source):
    source = make_source()
    quote = make_quote(sources=[source], status="draft")
    speaker = quote.speakers.get()
    for url in (
        speaker.expert.get_absolute_url(),
        speaker.affiliation.organization.get_absolute_url(),
        source.outlet.get_absolute_url(),
        source.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url


def test_role_ending_in_the_future_is_current(make_expert):
    import datetime

    from commentary.models import Affiliation

    role = Affiliation(expert=make_expert(), end_date=datetime.date.today().replace(year=2999))
    assert role.is_current
    role.end_date = datetime.date(2000, 1, 1)
    assert not role.is_current


def test_section_anchor_may_not_repeat_page_ids(make_collection):
    from django.core.exceptions import ValidationError

    section = make_collection().sections.get()
    for anchor in ("main", "site-q", "russia-heading"):
        section.slug = anchor
        with pytest.raises(ValidationError):
            section.full_clean()


def test_home_counts_a_statement_once_per_collection(client, make_quote, make_collection):
    from commentary.models import CollectionEntry

    quote = make_quote()
    collection = make_collection(quotes=[quote], sections=2)
    CollectionEntry.objects.create(section=collection.sections.last(), quote=quote, position=1)
    shown = client.get("/").context["collections"]
    assert [c.statement_count for c in shown] == [1]


def test_expert_name_search_is_served_by_indexes_on_postgresql(make_expert):
    """Any part of any name, found through trigram indexes (migration 0011), not by reading
    every expert: at 100,000 experts the scan took 60 ms a search."""
    from django.db import connection

    from commentary.models import Expert

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's (SQLite scans)")
    make_expert(name="Ivan Petrov")
    query = Expert.objects.public().matching_name("petrov")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as if the table were large
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("expert_name_trgm_idx", "expert_name_zh_trgm_idx"):
        assert index in plan, plan
    # Other names: through an index too (on a table this small, the planner may prefer
    # another index to the trigram one).
    assert "Seq Scan" not in plan, plan
