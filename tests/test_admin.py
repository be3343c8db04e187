"""The editors' admin: fixed query counts, filters, the Editors group, adding statements."""

import json

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commentary.models import Affiliation, Expert, Quote, Source, Topic

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/commentary/quote/"


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def changelist_queries(client, url=CHANGELIST):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_quote_changelist_runs_a_fixed_number_of_queries(
    admin_client, make_quote, make_expert, country
):
    for _ in range(3):
        make_quote(speakers=[make_expert(country=country), make_expert()])
    few = changelist_queries(admin_client)
    for _ in range(30):
        make_quote(speakers=[make_expert(country=country), make_expert(), make_expert()])
    assert changelist_queries(admin_client) == few


def test_quote_changelist_query_count_is_pinned(
    admin_client, make_quote, django_assert_num_queries
):
    for _ in range(20):
        make_quote()
    # session, user, filters (topics, countries), date hierarchy, count, rows, speakers,
    # and the savepoint and release of the history revision around the changelist
    with django_assert_num_queries(11):
        admin_client.get(CHANGELIST)


def test_changelist_shows_speakers_date_kind_language_status(admin_client, make_quote, make_expert):
    make_quote(speakers=[make_expert("Pavel Podvig", name_zh="帕维尔·波德维格")], kind="paraphrase")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Pavel Podvig (帕维尔·波德维格)" in html
    assert "Feb. 4, 2026" in html
    assert "paraphrase" in html and "English" in html and "published" in html


def test_changelist_searches_text_and_speaker_names(admin_client, make_quote, make_expert):
    make_quote("Alpha words", speakers=[make_expert("Ulrich Kühn", name_zh="乌尔里希·库恩")])
    make_quote("Beta words")
    for term in ("Alpha", "Kühn", "库恩"):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert response.context["cl"].result_count == 1, term


def test_changelist_filters_by_speakers_country(admin_client, make_quote, make_expert, country):
    make_quote("Russian view", speakers=[make_expert(country=country)])
    make_quote("Other view")
    response = admin_client.get(CHANGELIST, {"speaker_country": "RU"})
    assert [str(q) for q in response.context["cl"].result_list] == ["Russian view"]


@pytest.mark.parametrize(
    "params",
    [
        {"status__exact": "draft"},
        {"kind__exact": "direct"},
        {"language__exact": "en"},
        {"said_on__year": "2026"},
    ],
)
def test_changelist_filters_work(admin_client, make_quote, params):
    make_quote(status="draft")
    assert admin_client.get(CHANGELIST, params).status_code == 200


def test_a_text_search_has_no_year_links_unless_a_year_was_chosen(admin_client, make_quote):
    """The year links of a search would cost a DISTINCT over every match (1.1 s for 中国 at
    a million statements); a year chosen first keeps its month links."""
    make_quote("Common words")

    def hierarchy(params):
        response = admin_client.get(CHANGELIST, params)
        assert response.status_code == 200
        return response.context["cl"].date_hierarchy, 'class="toplinks"' in response.text

    assert hierarchy({}) == ("said_on", True)
    assert hierarchy({"q": "common"}) == (None, False)
    assert hierarchy({"q": "common", "said_on__year": "2026"}) == ("said_on", True)
    assert [
        str(q) for q in admin_client.get(CHANGELIST, {"q": "common"}).context["cl"].result_list
    ] == ["Common words"]


def test_every_model_is_registered(admin_client):
    from django.apps import apps
    from django.contrib import admin

    for model in apps.get_app_config("commentary").get_models():
        assert admin.site.is_registered(model), model.__name__
        url = reverse(f"admin:commentary_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200


def test_editors_group_has_content_permissions_only():
    perms = Permission.objects.filter(group__name="Editors")
    assert {p.content_type.app_label for p in perms} == {"commentary"}
    codenames = set(perms.values_list("codename", flat=True))
    assert {"add_quote", "change_quote", "view_quote", "add_expert", "change_source"} <= codenames
    assert {"delete_quotespeaker", "delete_citation"} <= codenames
    assert "delete_quote" not in codenames
    assert "change_country" not in codenames and "view_country" in codenames


def test_editor_can_add_statements_but_not_manage_users(client, editor):
    assert client.get("/admin/commentary/quote/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_no_account_exists_after_setup(seeded):
    assert not User.objects.exists()


def test_affiliation_autocomplete_offers_the_chosen_experts_roles(client, editor, make_expert):
    podvig, other = make_expert("Pavel Podvig"), make_expert("Someone Else")
    Affiliation.objects.create(expert=podvig, role="Senior Researcher")
    Affiliation.objects.create(expert=other, role="Senior Fellow")
    params = {
        "app_label": "commentary",
        "model_name": "quotespeaker",
        "field_name": "affiliation",
        "term": "Senior",
    }
    everyone = client.get("/admin/autocomplete/", params).json()["results"]
    assert len(everyone) == 2
    mine = client.get("/admin/autocomplete/", {**params, "expert": podvig.pk}).json()["results"]
    assert [r["text"] for r in mine] == ["Senior Researcher"]


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def quote_form(speakers=0, citations=0, **fields):
    """The statement add form's POST data, with empty speaker and citation formsets."""
    return {
        "text": "Words",
        "kind": "direct",
        "language": "en",
        "status": "draft",
        "said_on": "",
        "date_precision": "day",
        "original": "",
        "translator": "",
        "context": "",
        **management("speakers", total=speakers),
        **management("citations", total=citations),
        **fields,
    }


def add_expert_in_popup(client, name, slug, role):
    data = {
        "name": name,
        "name_zh": "",
        "sort_name": "",
        "slug": slug,
        "kind": "person",
        "country": "",
        "bio": "",
        "wikidata_id": "",
        "_popup": "1",
        "_to_field": "id",
        **management("affiliations", total=1),
        **management("other_names"),
        "affiliations-0-position": "1",
        "affiliations-0-role": role,
        "affiliations-0-role_zh": "",
        "affiliations-0-organization": "",
    }
    response = client.post("/admin/commentary/expert/add/?_popup=1&_to_field=id", data)
    assert response.status_code == 200, response.content[:2000]
    assert b"popup_response" in response.content  # the admin hands the new row back
    return Expert.objects.get(slug=slug)


def test_editor_adds_joint_statement_with_new_experts_source_and_topic(client, editor):
    first = add_expert_in_popup(client, "New Expert One", "new-expert-one", "Analyst")
    second = add_expert_in_popup(client, "New Expert Two", "new-expert-two", "Professor")
    outlet_response = client.post(
        "/admin/commentary/outlet/add/?_popup=1&_to_field=id",
        {
            "name": "Example Daily",
            "name_zh": "",
            "slug": "example-daily",
            "kind": "newspaper",
            "country": "",
            "homepage": "",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    assert outlet_response.status_code == 200
    source_response = client.post(
        "/admin/commentary/source/add/?_popup=1&_to_field=id",
        {
            "outlet": Source._meta.get_field("outlet").related_model.objects.get().pk,
            "title": "Joint letter",
            "kind": "statement",
            "url": "https://example.org/letter",
            "language": "en",
            "published_on": "2026-02-17",
            "date_precision": "month",
            "archived_url": "",
            "archived_on": "",
            "link_status": "unchecked",
            "link_checked_at_0": "",
            "link_checked_at_1": "",
            "notes": "",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    assert source_response.status_code == 200, source_response.content[:2000]
    source = Source.objects.get(title="Joint letter")
    topic = Topic.objects.create(name="Arms control", slug="arms-control")
    data = {
        "text": "We urge both sides to keep the limits.",
        "kind": "direct",
        "language": "en",
        "status": "draft",
        "said_on": "2026-02-17",
        "date_precision": "month",
        "original": "",
        "translator": "",
        "context": "",
        "topics": [str(topic.pk)],
        **management("speakers", total=2),
        **management("citations", total=1),
        "speakers-0-position": "1",
        "speakers-0-expert": str(first.pk),
        "speakers-0-affiliation": str(first.affiliations.get().pk),
        "speakers-1-position": "2",
        "speakers-1-expert": str(second.pk),
        "speakers-1-affiliation": str(second.affiliations.get().pk),
        "citations-0-position": "1",
        "citations-0-source": str(source.pk),
        "citations-0-role": "first",
        "citations-0-locator": "",
    }
    response = client.post("/admin/commentary/quote/add/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    quote = Quote.objects.get()
    assert [s.expert.slug for s in quote.speakers.order_by("position")] == [
        "new-expert-one",
        "new-expert-two",
    ]
    assert quote.citations.get().source == source
    assert list(quote.topics.all()) == [topic]
    assert (quote.date_precision, quote.said_on.day) == ("month", 1)
    source.refresh_from_db()
    assert source.published_on.day == 1


def test_quote_form_refuses_a_role_of_another_expert(client, editor, make_expert):
    speaker, other = make_expert(), make_expert()
    foreign_role = Affiliation.objects.create(expert=other, role="Not theirs")
    data = quote_form(
        speakers=1,
        **{
            "speakers-0-position": "1",
            "speakers-0-expert": str(speaker.pk),
            "speakers-0-affiliation": str(foreign_role.pk),
        },
    )
    response = client.post("/admin/commentary/quote/add/", data)
    assert response.status_code == 200
    assert "another expert" in response.content.decode()
    assert not Quote.objects.exists()


def test_admin_pages_send_a_strict_csp(admin_client):
    policy = admin_client.get("/admin/commentary/quote/add/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy


def test_popup_response_is_json_for_the_opener(client, editor):
    response = client.post(
        "/admin/commentary/topic/add/?_popup=1&_to_field=id",
        {
            "name": "Testing",
            "name_zh": "",
            "slug": "testing",
            "parent": "",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    payload = response.content.decode().split('data-popup-response="')[1].split('"')[0]
    assert json.loads(payload.replace("&quot;", '"'))["obj"] == "Testing"


def test_rows_left_at_position_zero_are_numbered_in_order(client, editor, make_expert):
    experts = [make_expert(f"Speaker {n}") for n in range(3)]
    data = quote_form(speakers=3)
    for n, expert in enumerate(experts):
        data |= {
            f"speakers-{n}-position": "0",
            f"speakers-{n}-expert": str(expert.pk),
            f"speakers-{n}-affiliation": "",
        }
    assert client.post("/admin/commentary/quote/add/", data).status_code == 302
    speakers = Quote.objects.get().speakers.order_by("position")
    assert [(s.position, s.expert.name) for s in speakers] == [
        (1, "Speaker 0"),
        (2, "Speaker 1"),
        (3, "Speaker 2"),
    ]


def test_explicit_duplicate_positions_are_refused(client, editor, make_expert):
    first, second = make_expert(), make_expert()
    data = quote_form(
        speakers=2,
        **{
            "speakers-0-position": "2",
            "speakers-0-expert": str(first.pk),
            "speakers-0-affiliation": "",
            "speakers-1-position": "2",
            "speakers-1-expert": str(second.pk),
            "speakers-1-affiliation": "",
        },
    )
    response = client.post("/admin/commentary/quote/add/", data)
    assert response.status_code == 200 and not Quote.objects.exists()


@pytest.mark.parametrize(
    "params",
    [{"q": "a\x00b"}, {"status__exact": "\x00"}, {"speaker_country": "\x00"}, {"\x00": "1"}],
)
def test_nul_bytes_in_admin_filters_are_a_bad_request(admin_client, make_quote, params):
    make_quote()
    response = admin_client.get(CHANGELIST, params)
    assert response.status_code == 400
    assert Quote.objects.count() == 1
