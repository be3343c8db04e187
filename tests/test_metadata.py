"""Structured metadata: schema.org JSON-LD parsed and its types and properties checked,
Highwire/Dublin Core tags as Zotero reads them, OpenGraph tags."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest

from commentary.models import Affiliation, Country, Organization, Source

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The page's JSON-LD blocks and its <meta> tags, as a browser would parse them."""

    def __init__(self, html):
        super().__init__()
        self.json_ld, self.meta, self.links, self._in_ld = [], [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")
        elif tag == "meta" and "content" in attrs:
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs["content"]))
        elif tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def values(self, name):
        return [content for key, content in self.meta if key == name]

    def data(self):
        assert len(self.json_ld) == 1
        return json.loads(self.json_ld[0])


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def statement(make_quote, make_expert, make_source):
    china = Country.objects.create(code="CN", name="China", name_zh="中国", region="Asia")
    zhang = make_expert(
        "Zhang San", name_zh="张三", sort_name="Zhang, San", country=china, wikidata_id="Q42"
    )
    podvig = make_expert("Pavel Podvig", sort_name="Podvig, Pavel")
    source = make_source(
        title="Is There Life After New START?",
        url="https://example.org/round-up",
        archived_url="https://archive.example.org/round-up",
        published_on=datetime.date(2026, 2, 1),
        date_precision="month",
    )
    original = make_quote("The original words.", speakers=[zhang], language="en")
    quote = make_quote(
        "核军备竞赛 </script><script>alert(1)</script> & more",
        speakers=[zhang, podvig],
        sources=[source],
        language="zh-Hans",
        kind="paraphrase",
        said_on=datetime.date(2026, 2, 1),
        date_precision="month",
        original=original,
        translator="Li Si",
    )
    return {"quote": quote, "original": original, "zhang": zhang, "source": source}


def test_statement_page_describes_a_quotation(statement, client):
    quote = statement["quote"]
    data = head(client, quote.get_absolute_url()).data()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Quotation"
    assert data["@id"] == f"http://testserver/quotes/{quote.pk}/"
    assert data["text"] == quote.text
    assert data["inLanguage"] == "zh-Hans"
    assert data["dateCreated"] == "2026-02"  # month precision, never 1 February
    assert data["genre"] == "paraphrase"
    creators = data["creator"]
    assert [c["@type"] for c in creators] == ["Person", "Person"]
    assert [c["name"] for c in creators] == ["Zhang San", "Pavel Podvig"]
    assert creators[0]["alternateName"] == "张三"
    assert creators[0]["sameAs"] == "https://www.wikidata.org/wiki/Q42"
    assert creators[0]["jobTitle"] == "Fellow"  # the role at the time
    assert creators[0]["affiliation"]["@type"] == "Organization"
    based_on = data["isBasedOn"]
    assert based_on["headline"] == "Is There Life After New START?"
    assert based_on["url"] == "https://example.org/round-up"
    assert based_on["archivedAt"] == "https://archive.example.org/round-up"
    assert based_on["datePublished"] == "2026-02"
    assert data["citation"] == [based_on]
    assert data["translationOfWork"]["@id"].endswith(f"/quotes/{statement['original'].pk}/")
    assert data["translator"] == {"@type": "Person", "name": "Li Si"}


def test_json_ld_cannot_close_its_script_element(statement, client):
    html = client.get(statement["quote"].get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block.group(1)
    assert "alert(1)" in json.loads(block.group(1))["text"]


def test_an_unpublished_original_is_not_named(statement, client):
    original = statement["original"]
    original.status = "draft"
    original.save()
    data = head(client, statement["quote"].get_absolute_url()).data()
    assert "translationOfWork" not in data
    assert f"/quotes/{original.pk}/" not in json.dumps(data)


def test_statement_page_has_highwire_dublin_core_and_opengraph_tags(statement, client):
    quote = statement["quote"]
    page = head(client, quote.get_absolute_url())
    assert page.values("citation_author") == ["Zhang, San", "Podvig, Pavel"]
    assert page.values("citation_publication_date") == ["2026/02"]
    assert page.values("citation_language") == ["zh-Hans"]
    assert page.values("citation_publisher") == [statement["source"].outlet.name]
    assert page.values("citation_public_url") == [f"http://testserver/quotes/{quote.pk}/"]
    (title,) = page.values("citation_title")  # Zotero's title: never the speaker's words
    assert title.startswith("Zhang San, Pavel Podvig (paraphrase): 核军备竞赛")
    assert page.values("og:title") == page.values("DC.title") == [title]
    assert page.values("DC.creator") == ["Zhang San", "Pavel Podvig"]
    assert page.values("DC.date") == ["2026-02"]
    assert page.values("og:type") == ["article"]
    assert page.values("og:url") == [f"http://testserver/quotes/{quote.pk}/"]
    (description,) = page.values("og:description")
    assert description.startswith("Paraphrase: ")  # never taken for the speaker's words
    canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    assert canonical == [f"http://testserver/quotes/{quote.pk}/"]


def test_chinese_interface_describes_the_same_work(statement, client):
    quote = statement["quote"]
    page = head(client, "/zh-hans" + quote.get_absolute_url())
    assert page.data()["@id"] == f"http://testserver/quotes/{quote.pk}/"
    assert page.values("og:locale") == ["zh_CN"]


def test_expert_page_describes_a_person_with_dated_roles(statement, client):
    zhang = statement["zhang"]
    org = Organization.objects.create(name="Tsinghua University", name_zh="清华大学", slug="thu")
    Affiliation.objects.create(
        expert=zhang,
        organization=org,
        role="Professor",
        start_date=datetime.date(2015, 9, 1),
        end_date=datetime.date(2020, 8, 31),
    )
    page = head(client, zhang.get_absolute_url())
    data = page.data()
    assert data["@type"] == "Person"
    assert data["name"] == "Zhang San"
    assert "张三" in data["alternateName"]
    assert data["nationality"] == {"@type": "Country", "name": "China"}
    roles = {r["roleName"]: r for r in data["affiliation"]}
    assert roles["Professor"]["@type"] == "OrganizationRole"
    assert roles["Professor"]["startDate"] == "2015-09-01"
    assert roles["Professor"]["endDate"] == "2020-08-31"
    assert roles["Professor"]["affiliation"]["alternateName"] == ["清华大学"]
    assert data["jobTitle"] == ["Fellow"]  # the current role only
    assert page.values("og:type") == ["profile"]


def test_collection_page_lists_its_published_quotations(
    statement, client, make_collection, make_quote
):
    draft = make_quote("DRAFTMARKER words", status="draft")
    collection = make_collection(quotes=[statement["quote"], statement["original"], draft])
    collection.source = Source.objects.first()
    collection.save()
    data = head(client, collection.get_absolute_url()).data()
    assert data["@type"] == "Collection"
    assert data["name"] == collection.title
    assert [part["@id"] for part in data["hasPart"]] == [
        f"http://testserver/quotes/{statement['quote'].pk}/",
        f"http://testserver/quotes/{statement['original'].pk}/",
    ]
    assert data["isBasedOn"]["@type"] == "CreativeWork"
    assert f"/quotes/{draft.pk}/" not in json.dumps(data)
