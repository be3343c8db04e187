"""Atom feeds: valid Atom with every required element, every speaker an author, and only
published statements, selected exactly as the lists select them."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from commentary.models import Country, Expert, Quote
from commentary.outputs.feeds import EMPTY_FEED_UPDATED, ENTRY_COUNT

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DRAFT = "FEEDDRAFTMARKER"
WITHDRAWN = "FEEDWITHDRAWNMARKER"
HIDDEN_EXPERT = "FEEDHIDDENEXPERT"


@pytest.fixture
def archive(make_quote, make_expert, make_source, make_collection, make_topic):
    """A joint statement and a paraphrase sharing an expert, country, outlet, topic and
    collection with a draft and a withdrawn statement; one expert speaks only in drafts."""
    russia = Country.objects.create(code="RU", name="Russia", name_zh="俄罗斯", region="Europe")
    expert = make_expert("Pavel Podvig", country=russia, name_zh="帕维尔·波德维格")
    partner = make_expert("Jane Roe", country=russia)
    source = make_source(title="Life after New START")
    topic = make_topic("Arms control")
    joint = make_quote(
        "Both sides should keep to the limits.",
        speakers=[expert, partner],
        sources=[source],
        said_on=datetime.date(2026, 2, 4),
    )
    paraphrase = make_quote(
        "The treaty's end need not start an arms race.",
        speakers=[expert],
        sources=[source],
        kind="paraphrase",
        said_on=datetime.date(2026, 2, 1),
        date_precision="month",
    )
    hidden = make_expert(HIDDEN_EXPERT, country=Country.objects.create(code="TV", name="Tuvalu"))
    draft = make_quote(
        f"{DRAFT} words", speakers=[expert, hidden], sources=[source], status="draft"
    )
    withdrawn = make_quote(
        f"{WITHDRAWN} words", speakers=[expert], sources=[source], status="withdrawn"
    )
    for quote in (joint, paraphrase, draft, withdrawn):
        quote.topics.add(topic)
    collection = make_collection(quotes=[joint, paraphrase, draft, withdrawn])
    return {
        "expert": expert,
        "partner": partner,
        "hidden": hidden,
        "joint": joint,
        "paraphrase": paraphrase,
        "outlet": source.outlet,
        "topic": topic,
        "collection": collection,
        "organization": joint.speakers.first().affiliation.organization,
    }


def feed_urls(archive):
    """Every feed of the archive fixture, by URL name."""
    return {
        "quote-feed": reverse("commentary:quote-feed"),
        "expert-feed": reverse("commentary:expert-feed", args=[archive["expert"].slug]),
        "country-feed": reverse("commentary:country-feed", args=["RU"]),
        "organization-feed": reverse(
            "commentary:organization-feed", args=[archive["organization"].slug]
        ),
        "outlet-feed": reverse("commentary:outlet-feed", args=[archive["outlet"].slug]),
        "topic-feed": reverse("commentary:topic-feed", args=[archive["topic"].slug]),
        "collection-feed": reverse("commentary:collection-feed", args=[archive["collection"].slug]),
    }


def required(element, path):
    """The text (or href) of a required child, which must be there and not be empty."""
    child = element.find(path)
    assert child is not None, f"no {path} in <{element.tag}>"
    value = child.get("href") if path.endswith("link") else child.text
    assert value and value.strip(), f"empty {path} in <{element.tag}>"
    return value


def is_timestamp(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


def check_atom(root):
    """RFC 4287: the feed's id, title, updated, links and author (4.1.1); each entry's id,
    title, updated, published, author name and alternate link (4.1.2)."""
    assert root.tag == f"{ATOM}feed"
    for path in (f"{ATOM}id", f"{ATOM}title", f"{ATOM}author/{ATOM}name"):
        required(root, path)
    assert is_timestamp(required(root, f"{ATOM}updated"))
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert rels.keys() >= {"self", "alternate"}
    assert all(href.startswith("http://testserver/") for href in rels.values())
    for entry in root.findall(f"{ATOM}entry"):
        for path in (f"{ATOM}id", f"{ATOM}title", f"{ATOM}author/{ATOM}name"):
            required(entry, path)
        assert is_timestamp(required(entry, f"{ATOM}updated"))
        assert is_timestamp(required(entry, f"{ATOM}published"))
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        assert re.match(r"http://testserver/(zh-hans/)?quotes/\d+/$", link.get("href"))


def get_feed(client, url, **params):
    """The parsed feed at ``url``, after checking it is well-formed, valid Atom."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(response.content)  # noqa: S314 (the archive's own answer)
    check_atom(root)
    return parsed, root


def entry_ids(parsed):
    return [int(entry.link.rstrip("/").rsplit("/", 1)[1]) for entry in parsed.entries]


@pytest.mark.parametrize(
    "name",
    [
        "quote-feed",
        "expert-feed",
        "country-feed",
        "organization-feed",
        "outlet-feed",
        "topic-feed",
        "collection-feed",
    ],
)
def test_every_feed_is_valid_atom_with_only_published_statements(client, archive, name):
    url = feed_urls(archive)[name]
    parsed, _root = get_feed(client, url)
    text = client.get(url).content.decode()
    for marker in (DRAFT, WITHDRAWN, HIDDEN_EXPERT):
        assert marker not in text
    joint, paraphrase = archive["joint"], archive["paraphrase"]
    expected = [joint.pk] if name == "organization-feed" else [joint.pk, paraphrase.pk]
    assert entry_ids(parsed) == expected  # newest first by the date said


def test_joint_statement_has_every_speaker_as_author(client, archive):
    parsed, root = get_feed(client, feed_urls(archive)["expert-feed"])
    entry = root.find(f"{ATOM}entry")
    authors = [
        (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}uri"))
        for author in entry.findall(f"{ATOM}author")
    ]
    expert, partner = archive["expert"], archive["partner"]
    assert authors == [
        ("Pavel Podvig", f"http://testserver/experts/{expert.slug}/"),
        ("Jane Roe", f"http://testserver/experts/{partner.slug}/"),
    ]
    assert [a.name for a in parsed.entries[0].authors] == ["Pavel Podvig", "Jane Roe"]


def test_published_is_when_the_archive_published_never_a_made_up_day(client, archive):
    """A statement of "February 2026" must not appear as said on 1 February: ``published``
    is the archive's own publication time, and the content gives the month."""
    quote = archive["joint"]
    quote.said_on, quote.date_precision = datetime.date(2026, 2, 1), "month"
    quote.save()
    parsed, _root = get_feed(client, feed_urls(archive)["quote-feed"])
    entry = next(e for e in parsed.entries if e.id.endswith(f"/quotes/{quote.pk}/"))
    assert datetime.datetime.fromisoformat(entry.published) == quote.status_changes.get().at
    assert "2026-02-01" not in entry.published
    assert "February 2026" in entry.content[0].value


def test_entry_says_who_what_when_and_where(client, archive):
    parsed, root = get_feed(client, feed_urls(archive)["quote-feed"])
    joint, paraphrase = parsed.entries
    quote = archive["joint"]
    assert joint.id == f"http://testserver/quotes/{quote.pk}/"
    assert joint.link == joint.id
    assert joint.title == "Pavel Podvig, Jane Roe: “Both sides should keep to the limits.”"
    published = quote.status_changes.get(to_status="published").at
    assert datetime.datetime.fromisoformat(joint.published) == published
    assert datetime.datetime.fromisoformat(joint.updated) == quote.updated_at
    assert joint.summary == quote.text
    assert [tag.term for tag in joint.tags] == [archive["topic"].slug]
    assert [tag.label for tag in joint.tags] == ["Arms control"]
    content = joint.content[0].value
    assert '<blockquote lang="en"><p>Both sides should keep to the limits.</p>' in content
    assert "Fellow" in content  # the role at the time
    assert "Life after New START" in content and "First appearance" in content
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get(XML_LANG) == "en"
    # The paraphrase is never shown as the speaker's words.
    assert paraphrase.title == (
        "Pavel Podvig (paraphrase): The treaty's end need not start an arms race."
    )
    assert "“" not in paraphrase.title
    assert "<blockquote" not in paraphrase.content[0].value
    assert "February 2026" in paraphrase.content[0].value  # the date at its precision


def test_entry_id_does_not_change_when_the_text_is_edited(client, archive):
    before, _root = get_feed(client, feed_urls(archive)["quote-feed"])
    quote = archive["joint"]
    quote.text = "Both sides should keep to the limits, for now."
    quote.save()
    after, _root = get_feed(client, feed_urls(archive)["quote-feed"])
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].updated > before.entries[0].updated
    assert after.feed.updated == after.entries[0].updated  # the newest change


def test_feed_links_itself_and_its_page(client, archive):
    expert = archive["expert"]
    url = feed_urls(archive)["expert-feed"]
    parsed, root = get_feed(client, url, kind="direct")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == f"http://testserver{url}?kind=direct"
    assert links["alternate"] == f"http://testserver/experts/{expert.slug}/?kind=direct"
    assert parsed.feed.id == links["self"]
    assert parsed.feed.title == "Statements by Pavel Podvig (Kind: Direct quote)"
    assert entry_ids(parsed) == [archive["joint"].pk]


def test_chinese_feed_is_in_chinese(client, archive):
    expert = archive["expert"]
    url = "/zh-hans" + feed_urls(archive)["expert-feed"]
    parsed, root = get_feed(client, url)
    assert root.get(XML_LANG) == "zh-hans"
    entry = parsed.entries[0]
    assert entry.authors[0].name == "帕维尔·波德维格"
    assert entry.authors[0].href == f"http://testserver/zh-hans/experts/{expert.slug}/"
    assert entry.link == f"http://testserver/zh-hans/quotes/{archive['joint'].pk}/"
    assert entry.id == f"http://testserver/quotes/{archive['joint'].pk}/"  # the same entry


def test_filtered_feed_selects_what_the_list_selects(client, make_quote, make_expert):
    russia = Country.objects.create(code="RU", name="Russia", region="Europe")
    start = datetime.date(2025, 1, 1)
    for n in range(ENTRY_COUNT + 15):
        make_quote(
            f"Words number {n}" if n % 3 else f"Other number {n}",
            speakers=[make_expert(country=russia if n % 2 else None)],
            said_on=start + datetime.timedelta(days=n % 40),  # shared dates: order by id too
        )
    for query in ("", "country=RU", "q=Words", "q=Words&country=RU&date_from=2025-01-10"):
        parsed, _root = get_feed(client, f"/quotes/feed/?{query}")
        listing = client.get(f"/quotes/?{query}&sort=newest&page_size=50")
        assert entry_ids(parsed) == [quote.pk for quote in listing.context["page"]], query
    parsed, _root = get_feed(client, "/quotes/feed/")
    assert len(parsed.entries) == ENTRY_COUNT


def test_invalid_filter_is_a_400_naming_the_parameter(client, archive):
    for url in feed_urls(archive).values():
        response = client.get(url, {"date_from": "February", "kind": "rumour"})
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"date_from", "kind"}


@pytest.mark.parametrize(
    "url",
    [
        "/experts/nobody/feed/",
        "/organizations/nobody/feed/",
        "/outlets/nobody/feed/",
        "/topics/nobody/feed/",
        "/collections/nobody/feed/",
        "/countries/ZZ/feed/",
        "/zh-hans/experts/nobody/feed/",
    ],
)
def test_unknown_record_has_no_feed(client, archive, url):
    assert client.get(url).status_code == 404


def test_unpublished_records_have_no_feed(client, archive, make_collection, make_quote):
    hidden = archive["hidden"]
    draft_collection = make_collection(quotes=[archive["joint"]], status="draft")
    assert client.get(f"/experts/{hidden.slug}/feed/").status_code == 404
    assert client.get("/countries/TV/feed/").status_code == 404
    assert client.get(f"/collections/{draft_collection.slug}/feed/").status_code == 404


def test_former_slug_moves_to_the_current_feed(client, archive):
    expert = Expert.objects.get(pk=archive["expert"].pk)
    old = expert.slug
    expert.slug = "pavel-podvig"
    expert.save()
    response = client.get(f"/experts/{old}/feed/?kind=direct")
    assert response.status_code == 301
    assert response["Location"] == "/experts/pavel-podvig/feed/?kind=direct"
    response = client.get(f"/zh-hans/experts/{old}/feed/")
    assert response["Location"] == "/zh-hans/experts/pavel-podvig/feed/"


def test_empty_feed_is_valid_with_a_fixed_updated(client, archive):
    parsed, _root = get_feed(client, "/quotes/feed/", q="nothingmatchesthis")
    assert parsed.entries == []
    assert parsed.feed.updated == EMPTY_FEED_UPDATED.isoformat()


@pytest.mark.parametrize("name", ["quote-feed", "expert-feed", "collection-feed"])
def test_query_count_does_not_grow_with_the_entries(
    client, archive, make_quote, django_assert_num_queries, name, uncached
):
    url = feed_urls(archive)[name]
    client.get(url)  # warm the content-type cache
    with django_assert_num_queries(QUERIES[name]):
        client.get(url)
    more = [
        make_quote(speakers=[archive["expert"], archive["partner"]]) for _ in range(ENTRY_COUNT)
    ]
    for quote in more:
        quote.topics.add(archive["topic"])
        archive["collection"].sections.get().entries.create(quote=quote, position=quote.pk)
    with django_assert_num_queries(QUERIES[name]):
        parsed, _root = get_feed(client, url)
    assert len(parsed.entries) == ENTRY_COUNT


# The statements and four prefetches (speakers, topics, citations, translations; the
# originals' is skipped when no entry is a translation), plus the record a scoped feed is
# about.
QUERIES = {"quote-feed": 5, "expert-feed": 6, "collection-feed": 6}


def test_nothing_unpublished_counts_towards_the_newest(client, archive, make_quote):
    for n in range(ENTRY_COUNT + 5):
        make_quote(f"{DRAFT} {n}", speakers=[archive["expert"]], status="draft")
    parsed, _root = get_feed(client, feed_urls(archive)["expert-feed"])
    assert entry_ids(parsed) == [archive["joint"].pk, archive["paraphrase"].pk]
    assert Quote.objects.count() > ENTRY_COUNT
