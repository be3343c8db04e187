"""Full-text search: the query language, Chinese substring recall, accents and stemming,
highlighting, and the index following every change. Runs on SQLite (FTS5) and on
PostgreSQL (tsvector + GIN) alike: the Makefile runs this file on both."""

import io
import random
import re

import pytest
from django.core.management import call_command
from django.db import connection

from commentary.models import (
    Affiliation,
    Citation,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
)
from commentary.search import fulltext
from commentary.search import index as search_index
from commentary.search import text as search

CJK_RUN = re.compile(f"[{search.CJK}]+")
QUIET = io.StringIO()


def found(query, queryset=None):
    queryset = Quote.objects.all() if queryset is None else queryset
    return set(queryset.search(query).values_list("pk", flat=True))


# Pure functions ------------------------------------------------------------------------


def test_folding_removes_case_accents_and_width():
    assert search.fold("Kühn ＳＴＡＲＴ Jean-Noël") == "kuhn start jean-noel"


def test_chinese_runs_become_bigrams_with_their_last_character():
    tokens, tails = search.segment("核军备竞赛, New START条约")
    assert tokens == ["核军", "军备", "备竞", "竞赛", "new", "start", "条约"]
    assert tails == ["赛", "约"]


def test_english_words_are_stemmed_so_plurals_match():
    assert search.segment("treaties")[0] == search.segment("Treaty")[0]


@pytest.mark.parametrize(
    ("text", "groups", "excluded"),
    [
        ("arms race", [["arm"], ["race"]], []),
        ('"arms race" treaty', [["arm race"], ["treati"]], []),
        ("China OR Russia", [["china", "russia"]], []),
        ("军备 -核查", [["军备"]], ["核查"]),
        ('"unbalanced phrase', [["unbalanc"], ["phrase"]], []),
        ("- OR OR arms", [["arm"]], []),
        ("arms OR", [["arm"]], []),
        ("!!! ...", [], []),
        ("“军备竞赛”", [["军备 备竞 竞赛"]], []),
    ],
)
def test_query_syntax_degrades_instead_of_failing(text, groups, excluded):
    query = search.parse_query(text)
    assert [[" ".join(t.tokens) for t in group] for group in query.groups] == groups
    assert [" ".join(t.tokens) for t in query.excluded] == excluded


def test_query_keeps_at_most_twenty_terms():
    query = search.parse_query(" ".join(f"w{n}" for n in range(50)))
    assert len(query.terms) == search.MAX_TERMS


@pytest.mark.parametrize(
    "text",
    ['<img src=x onerror="alert(1)"> 军备', "</mark><script>alert(1)</script> 军备", "a & b 军备"],
)
def test_highlight_escapes_everything_but_its_own_marks(text):
    marked = str(search.highlight(text, search.parse_query("军备")))
    assert marked.count("<mark>") == 1 and "<mark>军备</mark>" in marked
    assert "<script" not in marked and "<img" not in marked
    assert re.sub(r"</?mark>", "", marked).count("<") == 0
    assert search.plain(marked) == text


def test_highlight_marks_accented_and_plural_forms_in_the_original_text():
    marked = search.highlight("Ulrich Kühn on the Treaties.", search.parse_query("kuhn treaty"))
    assert str(marked) == "Ulrich <mark>Kühn</mark> on the <mark>Treaties</mark>."


def test_highlight_cuts_long_texts_around_the_first_match():
    text = "甲" * 1000 + "军备竞赛" + "乙" * 1000
    marked = str(search.highlight(text, search.parse_query("军备竞赛"), width=200))
    assert "<mark>军备竞赛</mark>" in marked
    assert marked.startswith("…") and marked.endswith("…")
    assert len(search.plain(marked)) <= 202


# The index on the database ---------------------------------------------------------------


@pytest.fixture
def generated(db):
    """A small generated archive: 400 statements in Chinese, English and both."""
    call_command("generate_archive", quotes=400, experts=40, seed=7, stdout=QUIET)


def brute_force(term):
    """Statements whose text, or any one name their search covers, contains ``term``
    (folded): the ground truth for a single Chinese term."""
    needle = search.fold(term)
    names = search_index.names_by_quote(list(Quote.objects.values_list("pk", flat=True)))
    return {
        pk
        for pk, text in Quote.objects.values_list("pk", "text")
        if needle in search.fold(text)
        or any(needle in search.fold(name) for name in names[pk] if name)
    }


def test_every_chinese_substring_of_two_to_six_characters_is_found(generated):
    rng = random.Random(5)  # noqa: S311
    texts = list(Quote.objects.filter(language="zh-Hans").values_list("text", flat=True)[:60])
    terms = set()
    for text in texts:
        for run in CJK_RUN.findall(text):
            for length in range(2, 7):
                if len(run) >= length:
                    start = rng.randrange(len(run) - length + 1)
                    terms.add(run[start : start + length])
    terms |= {"军备", "军备竞赛", "透明度", "核查", "中国", "氘氚", "核军备竞赛"}
    assert len(terms) > 200
    misses = {term for term in terms if found(term) != brute_force(term)}
    assert not misses


@pytest.mark.parametrize("char", ["中", "国", "核", "赛", "。"])
def test_single_chinese_characters_are_found_wherever_they_are(generated, char):
    if char == "。":  # punctuation alone is not searchable: nothing, never everything
        assert found(char) == set()
    else:
        assert found(char) == brute_force(char)


def test_words_are_found_with_their_plurals_and_without_accents(make_quote, make_expert):
    treaty = make_quote("The treaty expired.")
    treaties = make_quote("Both treaties expired.")
    kuhn = make_quote("Ulrich Kühn warned.")
    barrot = make_quote("法国外交部长表示", speakers=[make_expert("Jean-Noël Barrot")])
    assert found("treaties") == found("TREATY") == {treaty.pk, treaties.pk}
    assert found("Kuhn") == found("kühn") == {kuhn.pk}
    assert found("Noel Barrot") == {barrot.pk}
    assert found("ｔｒｅａｔｙ") == {treaty.pk, treaties.pk}


def test_phrases_exclusions_and_alternatives(make_quote):
    race = make_quote("An arms race is coming.")
    apart = make_quote("Race to control arms.")
    chinese = make_quote("核军备竞赛的风险", language="zh-Hans")
    assert found('"arms race"') == {race.pk}
    assert found("arms race") == {race.pk, apart.pk}
    assert found("arms -coming") == {apart.pk}
    assert found("coming OR 风险") == {race.pk, chinese.pk}
    assert found("-arms") >= {chinese.pk} and race.pk not in found("-arms")
    assert found('"军备 race') == set()  # unbalanced: plain words, both required
    assert found("") == found("   ") == set(Quote.objects.values_list("pk", flat=True))


def test_names_organisations_outlets_and_titles_are_searchable(make_quote, make_expert):
    expert = make_expert("Pavel Podvig", name_zh="帕维尔·波德维格")
    ExpertName.objects.create(expert=expert, name="Павел Подвиг")
    quote = make_quote("Words.", speakers=[expert])
    role = quote.speakers.get().affiliation.organization
    role.name, role.short_name = "UN Institute for Disarmament Research", "UNIDIR"
    role.save()
    source = quote.citations.get().source
    source.title = "Is there life after New START"
    source.save()
    source.outlet.name_zh = "俄罗斯事务"
    source.outlet.save()
    for query in ("Podvig", "波德维格", "Подвиг", "UNIDIR", "disarmament", "life after", "事务"):
        assert found(query) == {quote.pk}, query


def test_text_matches_rank_above_name_matches(make_quote, make_expert):
    by_name = make_quote("Other words.", speakers=[make_expert("Anna Verification")])
    in_text = make_quote("Verification matters.")
    ranked = list(Quote.objects.search("verification").by_relevance())
    assert ranked == [Quote.objects.get(pk=in_text.pk), Quote.objects.get(pk=by_name.pk)]


def test_index_follows_edits_deletes_and_status(make_quote):
    quote = make_quote("Transparency first.")
    assert found("transparency") == {quote.pk}
    quote.text = "透明度优先"
    quote.save()
    assert found("transparency") == set() and found("透明度") == {quote.pk}
    quote.status = "withdrawn"
    quote.save()
    assert found("透明度", Quote.objects.published()) == set()
    quote.status = "published"
    quote.save()
    assert found("透明度", Quote.objects.published()) == {quote.pk}
    Quote.objects.filter(pk=quote.pk).update(status="draft")  # a bulk status change
    assert found("透明度", Quote.objects.published()) == set()
    quote.delete()
    assert found("透明度") == set()


def test_renames_reach_every_statement_of_the_renamed(make_quote, make_expert):
    expert = make_expert("Old Name")
    quotes = [make_quote(speakers=[expert]) for _ in range(3)]
    ids = {q.pk for q in quotes}
    expert.name, expert.name_zh = "Fresh Name", "新名字"
    expert.save()
    assert found("Fresh") == found("新名字") == ids and found("Old") == set()
    spelling = ExpertName.objects.create(expert=expert, name="Другое Имя")
    assert found("Другое") == ids
    spelling.delete()
    assert found("Другое") == set()
    organization = quotes[0].speakers.get().affiliation.organization
    organization.name = "Renamed Institute"
    organization.save()
    assert found("Renamed Institute") == {quotes[0].pk}
    outlet = quotes[1].citations.get().source.outlet
    outlet.name = "Renamed Gazette"
    outlet.save()
    assert found("gazette") == {quotes[1].pk}
    speaker = quotes[0].speakers.get()
    speaker.affiliation = None  # a role in use cannot be deleted: take it off first
    speaker.save()
    assert found("Renamed Institute") == set()
    Affiliation.objects.filter(organization=organization).get().delete()


def test_speakers_and_citations_added_or_removed_change_the_names(make_quote, make_expert):
    quote = make_quote("Words.")
    expert = make_expert("Second Speaker")
    speaker = QuoteSpeaker.objects.create(quote=quote, expert=expert, position=9)
    assert found("second speaker") == {quote.pk}
    speaker.delete()
    assert found("second speaker") == set()
    outlet = Outlet.objects.create(name="Relay Wire", slug="relay-wire")
    source = Source.objects.create(outlet=outlet, title="A relay")
    citation = Citation.objects.create(quote=quote, source=source, position=9, role="relay")
    assert found("relay wire") == {quote.pk}
    citation.delete()
    assert found("relay wire") == set()


def test_loaddata_and_rebuild_leave_a_correct_index(seeded, tmp_path):
    expected = {q: found(q) for q in ("军备竞赛", "Podvig", "Kuhn", "New START")}
    assert all(expected.values())
    Quote.objects.update(search_text="", search_names="")  # a bulk change that skips signals
    assert found("军备竞赛") == set()
    call_command("rebuild_search_index", stdout=QUIET)
    assert {q: found(q) for q in expected} == expected
    dump = tmp_path / "archive.json"
    call_command("dumpdata", "commentary", output=str(dump), verbosity=0)
    Quote.objects.update(search_text="", search_names="")
    call_command("loaddata", str(dump), verbosity=0)
    assert {q: found(q) for q in expected} == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 triggers are SQLite's")
def test_sqlite_triggers_survive_the_migrations(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {row[0] for row in cursor.fetchall()} >= set(fulltext.SQLITE_TRIGGERS)


def test_generator_is_deterministic_and_realistic(db):
    for _ in range(2):  # the second run adds the same archive again, with new ids
        call_command("generate_archive", quotes=300, experts=30, seed=11, stdout=QUIET)
    rows = list(Quote.objects.order_by("pk").values_list("text", "said_on", "status"))
    assert len(rows) == 600 and rows[:300] == rows[300:]
    assert {language for _t, language in Quote.objects.values_list("text", "language")} == {
        "zh-Hans",
        "en",
    }
    joint = QuoteSpeaker.objects.values("quote").distinct().count()
    assert QuoteSpeaker.objects.count() > joint  # some joint statements
    assert Quote.objects.exclude(original=None).count() > 600 * 0.1
    assert Quote.objects.exclude(status="published").exists()
    assert Expert.objects.filter(other_names__isnull=False).exists()
    assert Organization.objects.exists()


# Lists bigger than the count cap ---------------------------------------------------------


def test_big_lists_say_more_than_and_continue_by_keyset(client, make_quote, small_cap):
    import datetime

    quotes = [
        make_quote(f"Treaty words {n}.", said_on=datetime.date(2026, 1, 1 + n % 3))
        for n in range(9)
    ]
    quotes += [make_quote("Treaty, undated.", said_on=None) for _ in range(3)]
    expected = [q.pk for q in Quote.objects.filter(pk__in=[q.pk for q in quotes]).newest_first()]
    html = client.get("/quotes/?q=treaty").content.decode()
    assert "More than 5 statements" in html
    assert "shown newest first" in html  # too many to rank by relevance
    assert "Counts among the newest 5 statements" in html
    seen, url = [], "/quotes/?q=treaty"
    for _ in range(10):  # numbered pages, then "Older statements" links to the end
        response = client.get(url + "&page_size=20" if "after" not in url else url)
        page = response.context["page"]
        seen += [quote.pk for quote in page]
        cursor = getattr(page, "next_cursor", None)
        if not cursor:
            break
        url = f"/quotes/?q=treaty&after={cursor}"
    assert seen == expected
    assert client.get("/quotes/?after=2026-13-01.5").status_code == 404
    assert client.get("/quotes/?after=junk").status_code == 404


def test_cached_facets_are_dropped_when_the_archive_changes(
    client, make_quote, small_cap, uncached
):
    for _ in range(7):
        make_quote("Common words.", language="en")

    def languages():
        response = client.get("/quotes/")
        assert response.context["many"]
        facet = next(f for f in response.context["facets"] if f.name == "language")
        return {value.value for value in facet.values}

    assert languages() == {"en"}
    assert languages() == {"en"}  # from the cache
    make_quote("自然语言", language="zh-Hans")
    assert languages() == {"en", "zh-Hans"}


def test_search_results_are_highlighted_and_escaped_on_the_page(client, make_quote):
    make_quote('<img src=x onerror="alert(1)"> 军备竞赛 </mark><script>alert(2)</script>')
    html = client.get("/quotes/?q=军备竞赛").content.decode()
    assert "<mark>军备竞赛</mark>" in html
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;/mark&gt;&lt;script&gt;" in html


def test_the_generator_writes_the_documents_a_rebuild_computes(generated):
    """One rule for what a statement's search covers: the synthetic archive's documents,
    written in bulk without signals, are those the index itself computes."""
    columns = ("pk", "search_text", "search_names")
    written = {pk: (text, names) for pk, text, names in Quote.objects.values_list(*columns)}
    search_index.rebuild()
    rebuilt = {pk: (text, names) for pk, text, names in Quote.objects.values_list(*columns)}
    assert len(written) == 400
    assert written == rebuilt
