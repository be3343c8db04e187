"""What the API says about each record: short, declarative, published data only.

The querysets in ``views.py`` decide which rows exist; these serializers never follow a
relation that could reach unpublished work. Where a relation could (a translation's
original, a topic's or organisation's parent), the view prefetches it through
``published()``/``public()`` and the serializer reads the prefetched object, never the raw
foreign key: an unpublished original prefetches as ``None``, and ``original_id`` would
still give away its number.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Affiliation,
    Citation,
    Collection,
    CollectionSection,
    Country,
    Expert,
    ExpertName,
    Organization,
    Outlet,
    Quote,
    QuoteSpeaker,
    Source,
    Topic,
)
from .fields import PartialDateField, PermalinkField, StatementsLinkField

# Summaries: how a record appears inside another one.


class OrganizationSummarySerializer(serializers.ModelSerializer):
    url = PermalinkField()

    class Meta:
        model = Organization
        fields = ["slug", "name", "name_zh", "short_name", "url"]


class OutletSummarySerializer(serializers.ModelSerializer):
    url = PermalinkField()

    class Meta:
        model = Outlet
        fields = ["slug", "name", "name_zh", "url"]


class ExpertSummarySerializer(serializers.ModelSerializer):
    url = PermalinkField()

    class Meta:
        model = Expert
        fields = ["slug", "name", "name_zh", "country", "url"]


class TopicSummarySerializer(serializers.ModelSerializer):
    url = PermalinkField()

    class Meta:
        model = Topic
        fields = ["slug", "name", "name_zh", "url"]


class SourceSummarySerializer(serializers.ModelSerializer):
    published_on = PartialDateField("published_on")
    outlet = OutletSummarySerializer(allow_null=True)
    permalink = PermalinkField(help_text="The source's page in the archive.")

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "url",
            "kind",
            "published_on",
            "language",
            "archived_url",
            "archived_on",
            "outlet",
            "permalink",
        ]


class RoleSerializer(serializers.ModelSerializer):
    """A dated role (an affiliation): who they were when they spoke."""

    organization = OrganizationSummarySerializer(allow_null=True)

    class Meta:
        model = Affiliation
        fields = ["role", "role_zh", "organization", "start_date", "end_date", "is_former"]


# Statements


class SpeakerSerializer(serializers.ModelSerializer):
    expert = ExpertSummarySerializer()
    role = RoleSerializer(source="affiliation", allow_null=True, help_text="Role at the time.")

    class Meta:
        model = QuoteSpeaker
        fields = ["position", "expert", "role"]


class CitationSerializer(serializers.ModelSerializer):
    source = SourceSummarySerializer()

    class Meta:
        model = Citation
        fields = ["role", "locator", "source"]


class StatementSerializer(serializers.ModelSerializer):
    """One statement, as a researcher cites it (reads ``QuoteQuerySet.for_list()``)."""

    url = PermalinkField(help_text="The statement's permanent URL.")
    said_on = PartialDateField("said_on")
    speakers = SpeakerSerializer(many=True)
    citations = CitationSerializer(many=True)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    original = serializers.SerializerMethodField(
        help_text="The published statement this one translates, if any."
    )
    translations = serializers.SerializerMethodField(
        help_text="Published translations of this statement."
    )

    class Meta:
        model = Quote
        fields = [
            "id",
            "url",
            "text",
            "language",
            "kind",
            "said_on",
            "date_precision",
            "speakers",
            "citations",
            "topics",
            "original",
            "translations",
            "translator",
            "context",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_original(self, quote):
        return quote.original.pk if quote.original else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_translations(self, quote):
        return [translation.pk for translation in quote.published_translations]


# Experts, organisations, places, publications, subjects


class OtherNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertName
        fields = ["name", "language", "note"]


class ExpertSerializer(serializers.ModelSerializer):
    other_names = OtherNameSerializer(many=True)
    affiliations = RoleSerializer(many=True, help_text="Current roles first, then former.")
    statement_count = serializers.IntegerField(help_text="Published statements.")
    url = PermalinkField()
    statements = StatementsLinkField("expert", "slug")

    class Meta:
        model = Expert
        fields = [
            "slug",
            "name",
            "name_zh",
            "sort_name",
            "kind",
            "country",
            "bio",
            "wikidata_id",
            "other_names",
            "affiliations",
            "statement_count",
            "url",
            "statements",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    parent = OrganizationSummarySerializer(allow_null=True, help_text="The body it is part of.")
    url = PermalinkField()
    statements = StatementsLinkField("organization", "slug")

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "name_zh",
            "short_name",
            "kind",
            "country",
            "parent",
            "website",
            "wikidata_id",
            "url",
            "statements",
        ]


class CountrySerializer(serializers.ModelSerializer):
    statement_count = serializers.IntegerField(help_text="Published statements.")
    expert_count = serializers.IntegerField(help_text="Experts speaking in them.")
    url = PermalinkField()
    statements = StatementsLinkField("country", "code")

    class Meta:
        model = Country
        fields = [
            "code",
            "alpha3",
            "name",
            "name_zh",
            "region",
            "statement_count",
            "expert_count",
            "url",
            "statements",
        ]


class OutletSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    statements = StatementsLinkField("outlet", "slug")

    class Meta:
        model = Outlet
        fields = ["slug", "name", "name_zh", "kind", "country", "homepage", "url", "statements"]


class SourceSerializer(SourceSummarySerializer):
    statements = StatementsLinkField("source", "pk")

    class Meta(SourceSummarySerializer.Meta):
        fields = [
            *SourceSummarySerializer.Meta.fields,
            "date_precision",
            "link_status",
            "link_checked_at",
            "statements",
        ]


class TopicSerializer(serializers.ModelSerializer):
    parent = TopicSummarySerializer(allow_null=True, help_text="The broader topic.")
    url = PermalinkField()
    statements = StatementsLinkField("topic", "slug")

    class Meta:
        model = Topic
        fields = ["slug", "name", "name_zh", "parent", "url", "statements"]


# Collections


class CollectionSerializer(serializers.ModelSerializer):
    compiler = OrganizationSummarySerializer(allow_null=True)
    source = SourceSummarySerializer(allow_null=True, help_text="The original publication.")
    translation_source = SourceSummarySerializer(allow_null=True)
    published_on = PartialDateField("published_on")
    url = PermalinkField()
    statements = StatementsLinkField("collection", "slug")

    class Meta:
        model = Collection
        fields = [
            "slug",
            "title",
            "title_zh",
            "description",
            "description_zh",
            "compiler",
            "translator",
            "source",
            "translation_source",
            "published_on",
            "date_precision",
            "url",
            "statements",
        ]


class SectionSerializer(serializers.ModelSerializer):
    statements = serializers.SerializerMethodField(
        help_text="Ids of the section's published statements, in the compilation's order."
    )

    class Meta:
        model = CollectionSection
        fields = ["position", "slug", "title", "title_zh", "statements"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_statements(self, section):
        # The view prefetches only the entries of published statements.
        return [entry.quote_id for entry in section.entries.all()]


class CollectionDetailSerializer(CollectionSerializer):
    sections = SectionSerializer(many=True)

    class Meta(CollectionSerializer.Meta):
        fields = [*CollectionSerializer.Meta.fields, "sections"]
