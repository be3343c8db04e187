"""The archive's people, organisations and their dated roles as Popolo JSON.

``/popolo.json`` is one document ``{"persons": [...], "organizations": [...],
"memberships": [...]}`` in the shapes of the Popolo standard (popoloproject.com), the
format parliamentary monitoring sites and mySociety's tools exchange. Only what public
pages show is in it: experts with published statements, the organisations they hold or
held roles at, and those roles.

- Ids are stable whatever a record is renamed to: ``person-<number>``,
  ``organization-<number>``, ``membership-<number>``. An expert who is an organisation
  speaking in its own voice (an editorial board) is an organisation ``speaker-<number>``.
- Chinese names and other spellings are ``other_names`` with the language as ``note``;
  Wikidata ids are ``identifiers`` with scheme ``wikidata``.
- A role without an organisation ("Indian journalist") is not a Popolo membership, which
  joins a person to an organisation; it stays on the expert's page and in the API.
- A role the source calls former but gives no end date for has the label "former".

The document is streamed a chunk of rows at a time, so its size is bounded by the response,
not by memory.
"""

import itertools
import json

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from ..links import permanent_url
from ..models import Affiliation, Expert, ExpertName, Organization
from ..site import neutral_name
from .streaming import in_chunks


def _date(value):
    return value.isoformat() if value else None


def _names(*pairs):
    return [{"name": name, "note": note} for name, note in pairs if name]


def _wikidata(record):
    if not record.wikidata_id:
        return []
    return [{"identifier": record.wikidata_id, "scheme": "wikidata"}]


def _link(request, record, note):
    return [{"url": permanent_url(request, record), "note": note}]


def person(request, expert):
    family, given = expert.name_parts or (None, None)
    return {
        "id": f"person-{expert.pk}",
        "name": expert.name,
        "sort_name": expert.sort_name,
        "family_name": family,
        "given_name": given,
        "other_names": _names(
            (expert.name_zh, "zh-Hans"),
            *((n.name, n.language or n.note or None) for n in expert.other_names.all()),
        ),
        "identifiers": _wikidata(expert),
        "national_identity": expert.country.name if expert.country else None,
        "summary": expert.bio or None,
        "links": _link(request, expert, neutral_name()),
    }


def speaking_organization(request, expert):
    """An expert of kind "organisation": a body that speaks in its own voice."""
    return {
        "id": f"speaker-{expert.pk}",
        "name": expert.name,
        "other_names": _names((expert.name_zh, "zh-Hans")),
        "identifiers": _wikidata(expert),
        "classification": "speaker",
        "links": _link(request, expert, neutral_name()),
    }


def organization(request, org):
    return {
        "id": f"organization-{org.pk}",
        "name": org.name,
        "other_names": _names((org.name_zh, "zh-Hans"), (org.short_name, "short name")),
        "identifiers": _wikidata(org),
        "classification": org.kind,
        "parent_id": f"organization-{org.parent.pk}" if org.parent else None,
        "links": _link(request, org, neutral_name())
        + ([{"url": org.website, "note": "website"}] if org.website else []),
    }


def member_id(expert):
    prefix = "speaker" if expert.kind == Expert.Kind.ORGANIZATION else "person"
    return f"{prefix}-{expert.pk}"


def membership(affiliation):
    label = ", ".join(p for p in (affiliation.role, affiliation.organization.name) if p)
    if affiliation.is_former and not affiliation.end_date:
        label += " (former)"
    member = member_id(affiliation.expert)
    return {
        "id": f"membership-{affiliation.pk}",
        "label": label,
        "role": affiliation.role or None,
        # A body speaking in its own voice is a member as an organisation, not a person.
        **(
            {"person_id": member}
            if member.startswith("person")
            else {"member": {"@type": "Organization", "id": member}}
        ),
        "organization_id": f"organization-{affiliation.organization_id}",
        "start_date": _date(affiliation.start_date),
        "end_date": _date(affiliation.end_date),
    }


def _array(name, rows, first):
    yield ("" if first else ",\n") + json.dumps(name) + ": ["
    for number, row in enumerate(rows):
        yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]"


def document(request):
    """The Popolo document, as pieces of text."""
    experts = (
        Expert.objects.public()
        .select_related("country")
        .prefetch_related(Prefetch("other_names", queryset=ExpertName.objects.order_by("pk")))
        .order_by("pk")
    )
    people = experts.filter(kind=Expert.Kind.PERSON)
    bodies = experts.filter(kind=Expert.Kind.ORGANIZATION)
    # A parent only when it is public too: no reference to a body the document leaves out.
    organizations = (
        Organization.objects.public()
        .prefetch_related(Prefetch("parent", queryset=Organization.objects.public()))
        .order_by("pk")
    )
    roles = (
        Affiliation.objects.filter(expert__in=Expert.objects.public(), organization__isnull=False)
        .select_related("expert", "organization")
        .order_by("pk")
    )
    yield "{"
    yield from _array("persons", (person(request, e) for e in in_chunks(people)), True)
    yield from _array(
        "organizations",
        itertools.chain(
            (organization(request, o) for o in in_chunks(organizations)),
            (speaking_organization(request, e) for e in in_chunks(bodies)),
        ),
        False,
    )
    yield from _array("memberships", (membership(a) for a in in_chunks(roles)), False)
    yield "\n}\n"


@require_safe
def popolo(request):
    return StreamingHttpResponse(document(request), content_type="application/json")
