"""The Popolo export, validated by jsonschema against the Popolo schemas (their $refs
resolved from local copies: no network)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from referencing import Registry
from referencing.jsonschema import DRAFT3

from commentary.models import Affiliation, Expert, ExpertName, Organization

pytestmark = pytest.mark.django_db
HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "popolo-schemas"
SHARED = HERE.parent.parent / "shared" / "reference" / "popolo-schemas"


def schemas():
    loaded = {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (schema["id"], DRAFT3.create_resource(schema)) for schema in loaded.values()
    )
    return {
        name: Draft3Validator(
            schema, registry=registry, format_checker=Draft3Validator.FORMAT_CHECKER
        )
        for name, schema in loaded.items()
    }


def test_the_local_schemas_are_the_shared_ones():
    if not SHARED.is_dir():
        pytest.skip("../shared/ is not beside this checkout")
    for path in SHARED.glob("*.json"):
        assert (SCHEMAS / path.name).read_text() == path.read_text(), path.name


def popolo(client):
    response = client.get("/popolo.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def archive(make_quote, make_expert, country):
    parent = Organization.objects.create(name="Harvard University", slug="harvard")
    centre = Organization.objects.create(
        name="Belfer Center",
        name_zh="贝尔弗中心",
        short_name="BCSIA",
        slug="belfer",
        parent=parent,
        wikidata_id="Q2894468",
        kind="research_centre",
    )
    zhang = make_expert(
        "Zhang San", name_zh="张三", sort_name="Zhang, San", country=country, wikidata_id="Q42"
    )
    ExpertName.objects.create(expert=zhang, name="Чжан Сань", language="ru")
    board = make_expert("The Editorial Board", kind="organization")
    quote = make_quote("Published words", speakers=[zhang, board])
    Affiliation.objects.create(
        expert=zhang,
        organization=centre,
        role="Senior fellow",
        start_date="2019-01-01",
        end_date="2024-06-30",
    )
    Affiliation.objects.create(expert=zhang, role="Indian journalist")  # no organisation
    hidden = make_expert("HIDDENEXPERT")
    hidden_org = Organization.objects.create(name="HIDDENORG", slug="hidden-org")
    Affiliation.objects.create(expert=hidden, organization=hidden_org, role="Chair")
    make_quote("Draft words", speakers=[hidden], status="draft")
    return {"zhang": zhang, "board": board, "centre": centre, "quote": quote}


def test_export_is_valid_popolo(archive, client):
    validators = schemas()
    data = popolo(client)
    for kind, schema in (
        ("persons", "person"),
        ("organizations", "organization"),
        ("memberships", "membership"),
    ):
        assert data[kind], kind
        for row in data[kind]:
            errors = [e.message for e in validators[schema].iter_errors(row)]
            assert errors == [], (row, errors)


def test_people_carry_their_names_identifiers_and_roles(archive, client):
    data = popolo(client)
    zhang = archive["zhang"]
    person = next(p for p in data["persons"] if p["id"] == f"person-{zhang.pk}")
    assert person["name"] == "Zhang San"
    assert (person["family_name"], person["given_name"]) == ("Zhang", "San")
    assert {"name": "张三", "note": "zh-Hans"} in person["other_names"]
    assert {"name": "Чжан Сань", "note": "ru"} in person["other_names"]
    assert person["identifiers"] == [{"identifier": "Q42", "scheme": "wikidata"}]
    assert person["national_identity"] == "Russia"
    assert person["links"][0]["url"] == f"http://testserver/experts/{zhang.slug}/"
    centre = next(o for o in data["organizations"] if o["name"] == "Belfer Center")
    assert centre["parent_id"] == f"organization-{archive['centre'].parent_id}"
    role = next(m for m in data["memberships"] if m["role"] == "Senior fellow")
    assert role["person_id"] == person["id"]
    assert role["organization_id"] == centre["id"]
    assert (role["start_date"], role["end_date"]) == ("2019-01-01", "2024-06-30")
    ids = {o["id"] for o in data["organizations"]} | {p["id"] for p in data["persons"]}
    for m in data["memberships"]:  # every membership points at people and bodies present
        assert m["organization_id"] in ids
        assert m.get("person_id", m.get("member", {}).get("id")) in ids


def test_an_organisation_speaking_in_its_own_voice_is_an_organisation(archive, client):
    data = popolo(client)
    board = archive["board"]
    assert f"speaker-{board.pk}" in {o["id"] for o in data["organizations"]}
    assert f"person-{board.pk}" not in {p["id"] for p in data["persons"]}


def test_a_parent_organisation_only_appears_when_public(archive, client, make_collection):
    """A collection's compiler is public, its parent body need not be: no reference then."""
    hidden_parent = Organization.objects.create(name="HIDDENPARENT", slug="hidden-parent")
    compiler = Organization.objects.create(name="Compiler", slug="compiler", parent=hidden_parent)
    collection = make_collection(quotes=[archive["quote"]])
    collection.compiler = compiler
    collection.save()
    data = popolo(client)
    row = next(o for o in data["organizations"] if o["name"] == "Compiler")
    assert row["parent_id"] is None
    assert "HIDDENPARENT" not in json.dumps(data)


def test_only_what_public_pages_show_is_exported(archive, client):
    text = json.dumps(popolo(client), ensure_ascii=False)
    assert "HIDDENEXPERT" not in text
    assert "HIDDENORG" not in text
    assert Expert.objects.count() == 3


def test_popolo_reads_in_a_fixed_number_of_queries(
    archive, client, django_assert_num_queries, make_expert, make_quote
):
    with django_assert_num_queries(7):
        popolo(client)
    for _ in range(3):
        make_quote(speakers=[make_expert(name_zh="某人")])
    with django_assert_num_queries(7):
        popolo(client)
