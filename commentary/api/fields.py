"""Values written the same way wherever they appear: partial dates and permalinks."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..dates import iso_partial_date
from ..links import permanent_url

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": PARTIAL_DATE_PATTERN,
        "description": "ISO 8601 at the date's precision: 2026, 2026-02 or 2026-02-04.",
        "example": "2026-02",
    }
)
class PartialDateField(serializers.Field):
    """A date at its precision: "February 2026" is ``"2026-02"``, never ``"2026-02-01"``."""

    def __init__(self, date_field, **kwargs):
        self.date_field = date_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return iso_partial_date(getattr(obj, self.date_field), obj.date_precision) or None


def absolute(request, path):
    return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.URI)
class PermalinkField(serializers.Field):
    """The public page of a record (``get_absolute_url``), as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        return permanent_url(request, obj) if request else obj.get_absolute_url()


@extend_schema_field(OpenApiTypes.URI)
class StatementsLinkField(serializers.Field):
    """The API's statement list filtered to this record: ``/api/quotes/?expert=<slug>``."""

    def __init__(self, parameter, attribute, **kwargs):
        self.parameter = parameter
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        path = f"{reverse('api:quote-list')}?{self.parameter}={getattr(obj, self.attribute)}"
        return absolute(self.context.get("request"), path)
