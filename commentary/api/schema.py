"""The OpenAPI description of what the serializers and filters cannot say themselves:
the list parameters' formats and the error answers.

The list pages accept an empty value as "any" (a GET form submits every field), and so
does the API: patterns and enums below admit the empty string for that reason.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from ..browse.filters import MAX_QUERY_LENGTH, NAME_LIMIT, CountryCodesField, Sort
from ..browse.pagination import COUNT_CAP
from ..dates import PARTIAL_DATE
from ..models import Quote, Region, Source

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
CODE_PATTERN = r"^[A-Za-z]{2}$"
# What PartialDateField in filters.py takes; answers always write two-digit months and days.
DATE_INPUT_PATTERN = PARTIAL_DATE.pattern


def _query(name, description, schema):
    return OpenApiParameter(name, schema, OpenApiParameter.QUERY, description=description)


def _choice(name, description, values):
    return _query(name, f"{description} Empty: any.", {"type": "string", "enum": ["", *values]})


def _optional(pattern):
    """``^X$`` → ``^(X)?$``: the same format, or empty for "any"."""
    return f"^({pattern[1:-1]})?$"


COUNTRIES = _query(
    "country",
    "ISO 3166-1 alpha-2 code of the speaker's country, any case; repeat for several "
    "(?country=RU&country=US). An unknown code answers 400.",
    {
        "type": "array",
        "items": {"type": "string", "pattern": _optional(CODE_PATTERN)},
        "maxItems": CountryCodesField.max_countries,
    },
)
NAMED = "A slug, or a name in any script; a name that matches no one or several answers 400."

STATEMENT_FILTERS = [
    _query(
        "q",
        'Words to search for, in Chinese or English: "a phrase", -excluded, OR.',
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    ),
    COUNTRIES,
    _choice("region", "Region of the speaker's country.", Region.values),
    _query("expert", f"Speaker. {NAMED}", {"type": "string", "maxLength": NAME_LIMIT}),
    _query(
        "organization",
        f"Organisation of the speaker's role at the time (or a unit inside it). {NAMED}",
        {"type": "string", "maxLength": NAME_LIMIT},
    ),
    _query(
        "outlet", f"Outlet of a cited source. {NAMED}", {"type": "string", "maxLength": NAME_LIMIT}
    ),
    _choice("source_kind", "Kind of a cited source.", Source.Kind.values),
    _query("topic", "Topic slug.", {"type": "string", "pattern": _optional(SLUG_PATTERN)}),
    _choice("language", "Language of the statement (BCP 47).", Quote.Language.values),
    _choice("kind", "Direct quote, partial quote or paraphrase.", Quote.Kind.values),
    _query(
        "date_from",
        "Said on or after: YYYY, YYYY-MM or YYYY-MM-DD.",
        {"type": "string", "pattern": _optional(DATE_INPUT_PATTERN)},
    ),
    _query(
        "date_to",
        "Said within or before: YYYY, YYYY-MM or YYYY-MM-DD (a month includes its days).",
        {"type": "string", "pattern": _optional(DATE_INPUT_PATTERN)},
    ),
    _query(
        "collection", "Collection slug.", {"type": "string", "pattern": _optional(SLUG_PATTERN)}
    ),
    _query("source", "Number of a cited source.", {"type": "string", "pattern": r"^[0-9]{0,18}$"}),
    _choice(
        "sort",
        "Order: relevance needs q (without it, newest first); a list of more than "
        f"{COUNT_CAP:,} statements is always in date order.",
        [value for value, _label in Sort.CHOICES],
    ),
]

EXPERT_FILTERS = [
    _query(
        "name",
        "Any of the expert's names, or part of one.",
        {"type": "string", "maxLength": NAME_LIMIT},
    ),
    COUNTRIES,
]


def path(name, description, schema):
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


# drf-spectacular writes a ``pk`` URL parameter as ``{id}`` (SCHEMA_COERCE_PATH_PK).
PK = path("id", "The record's number.", {"type": "integer", "minimum": 1, "format": "int64"})
SLUG = path("slug", "The record's slug.", {"type": "string", "pattern": SLUG_PATTERN})
CODE = path(
    "code", "ISO 3166-1 alpha-2 code, any case.", {"type": "string", "pattern": CODE_PATTERN}
)

DETAIL = inline_serializer("Error", {"detail": serializers.CharField()})
INVALID = inline_serializer(
    "InvalidParameters",
    {
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages for each invalid parameter, keyed by its name.",
        )
    },
)
BAD_REQUEST = (
    "A parameter is invalid: the JSON message names it. A query parameter with a NUL "
    "character is refused before any view, in plain text."
)
NUL = OpenApiResponse(OpenApiTypes.STR, description=BAD_REQUEST)

COMMON_RESPONSES = {
    (400, "text/plain"): NUL,
    429: OpenApiResponse(DETAIL, description="Too many requests: see Retry-After."),
}


def responses(ok, *, invalid=False, gone=False, missing="No published record has this identifier."):
    """The answers of one operation: ``ok``, the errors every operation can give, 404 with
    ``missing`` as its description (None: no 404), the 400 of invalid filters when
    ``invalid`` and the 410 of a withdrawn statement when ``gone``."""
    answers = {200: ok, **COMMON_RESPONSES}
    if missing:
        answers[404] = OpenApiResponse(DETAIL, description=missing)
    if gone:
        answers[410] = OpenApiResponse(DETAIL, description="Withdrawn after publication.")
    if invalid:
        answers[(400, "application/json")] = OpenApiResponse(INVALID, description=BAD_REQUEST)
    return answers
