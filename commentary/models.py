"""The archive's data model. Names follow ../shared/DESIGN.md; they are a shared contract."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .choices import CitationRole, DatePrecision, QuoteKind, Region, Status
from .dates import format_partial_date, truncate
from .links import WEB_SCHEMES, is_web_url
from .locking import LockVersionField
from .querysets import (
    AffiliationQuerySet,
    CollectionQuerySet,
    CountryQuerySet,
    ExpertQuerySet,
    OrganizationQuerySet,
    OutletQuerySet,
    QuoteQuerySet,
    SourceQuerySet,
    TopicQuerySet,
)

wikidata_validator = RegexValidator(r"^Q[1-9]\d*$", _("A Wikidata item ID looks like Q42."))


class WebURLField(models.URLField):
    """An ``http``/``https`` address or blank: Django's own URL field also accepts ``ftp``.
    Forms and ``full_clean`` validate it; ``web_url_constraint`` guards the table against
    every other writer (fixtures, ``loaddata``, ``update()``, raw SQL)."""

    default_validators = [URLValidator(schemes=list(WEB_SCHEMES))]


def web_url_constraint(field, name):
    """The table refuses a non-blank ``field`` that does not start ``http://``/``https://``."""
    return models.CheckConstraint(
        condition=Q(**{field: ""})
        | Q(**{f"{field}__istartswith": "http://"})
        | Q(**{f"{field}__istartswith": "https://"}),
        name=name,
    )


def refuse_unsafe_urls(record, *fields):
    """For ``save()``: a writer that skips validation still cannot store a ``javascript:``
    address (the database constraint would refuse it too, less clearly)."""
    errors = {
        field: _("Only http and https addresses can be stored.")
        for field in fields
        if getattr(record, field) and not is_web_url(getattr(record, field))
    }
    if errors:
        raise ValidationError(errors)


def version_field():
    """The optimistic lock: a number every save increments. A form carries the number it was
    opened with, and a save from a form opened before someone else's save is refused."""
    return LockVersionField(_("version"), help_text=_("Increases with every saved change."))


def stored_count(verbose_name):
    """A count a page shows, stored on the row and kept current by ``counting/`` in the
    transaction that changes it (``manage.py recount --check`` compares it with a live
    count). Not editable, and not kept in the history: a revert must not restore one."""
    return models.PositiveIntegerField(verbose_name, default=0, editable=False)


def prefers_chinese():
    return (get_language() or "").lower().startswith("zh")


class BilingualNameMixin:
    """``display_name`` picks the Chinese name on the Chinese interface when there is one."""

    zh_field = "name_zh"
    latin_field = "name"

    @property
    def display_name(self):
        zh = getattr(self, self.zh_field, "")
        if zh and prefers_chinese():
            return zh
        return getattr(self, self.latin_field)


class PartialDateMixin:
    """Models with a partial date keep it canonical (first of month/year) on every save."""

    partial_date_field = None

    def normalise_partial_date(self):
        field = self.partial_date_field
        setattr(self, field, truncate(getattr(self, field), self.date_precision))

    @property
    def display_date(self):
        return format_partial_date(getattr(self, self.partial_date_field), self.date_precision)


class Reviewed:
    """Quote and Collection: a ``status`` that moves through the review workflow.

    ``loaded_status`` is the status the row had when it was read, so that a save can tell a
    transition from an edit (see ``workflow.record_transition``).
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_status = instance.__dict__.get("status")
        return instance

    loaded_status = None


class Country(BilingualNameMixin, models.Model):
    code = models.CharField(
        _("ISO code"),
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters (ISO 3166-1 alpha-2)."))],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. US, RU, CN."),
    )
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, blank=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    region = models.CharField(
        _("region"),
        max_length=10,
        choices=Region.choices,
        blank=True,
        help_text=_("UN geoscheme region; blank for Antarctica."),
    )
    statement_count = stored_count(_("published statements by its experts"))
    expert_count = stored_count(_("experts with published statements"))

    version = version_field()
    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        indexes = [models.Index(fields=["region"], name="country_region_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("commentary:country-detail", args=[self.code])


class Organization(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("university or school")
        RESEARCH_CENTRE = "research_centre", _("research centre or programme")
        THINK_TANK = "think_tank", _("think tank")
        GOVERNMENT = "government", _("government body")
        LEGISLATURE = "legislature", _("legislature")
        MEDIA = "media", _("media house")
        INTERNATIONAL = "international", _("international body")
        RELIGIOUS = "religious", _("religious body")
        OTHER = "other", _("other")

    name = models.CharField(_("name (English)"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, help_text=_("Acronym such as SIPRI.")
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("country"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("The larger body this one belongs to, e.g. a centre inside a school."),
    )
    website = WebURLField(_("website"), blank=True)
    wikidata_id = models.CharField(
        _("Wikidata ID"), max_length=20, blank=True, validators=[wikidata_validator]
    )

    version = version_field()
    former_slugs = GenericRelation("FormerSlug")
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organization_not_own_parent"
            ),
            web_url_constraint("website", "organization_website_web"),
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def save(self, *args, **kwargs):
        refuse_unsafe_urls(self, "website")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commentary:organization-detail", args=[self.slug])


class Expert(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANIZATION = "organization", _("organisation speaking in its own voice")

    name = models.CharField(
        _("name (Latin script)"),
        max_length=200,
        help_text=_("As printed in English-language sources, e.g. Pavel Podvig."),
    )
    name_zh = models.CharField(
        _("name (Chinese)"), max_length=200, blank=True, help_text=_("e.g. 帕维尔·波德维格")
    )
    sort_name = models.CharField(
        _("sort name"),
        max_length=200,
        blank=True,
        help_text=_("Family name first, for alphabetical lists: Podvig, Pavel."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("country"),
        help_text=_("The country whose perspective they speak from."),
    )
    bio = models.TextField(_("biography"), blank=True)
    wikidata_id = models.CharField(
        _("Wikidata ID"), max_length=20, blank=True, validators=[wikidata_validator]
    )
    statement_count = stored_count(_("published statements"))

    version = version_field()
    former_slugs = GenericRelation("FormerSlug")
    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        indexes = [
            models.Index(fields=["country", "sort_name"], name="expert_country_idx"),
            models.Index(Lower("name"), name="expert_name_lower_idx"),
            # The experts list: public experts in name order, a page at a time.
            models.Index(
                fields=["sort_name", "id"],
                condition=Q(statement_count__gt=0),
                name="expert_public_sort_idx",
            ),
            models.Index(
                fields=["country", "-statement_count", "sort_name"],
                condition=Q(statement_count__gt=0),
                name="expert_public_country_idx",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    def save(self, *args, **kwargs):
        if not self.sort_name:
            self.sort_name = self.name
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commentary:expert-detail", args=[self.slug])

    @property
    def name_parts(self):
        """``(family, given)`` when the sort name reads "Family, Given", else None: what
        citations and Popolo split a person's name by."""
        family, comma, given = (" ".join(p.split()) for p in self.sort_name.partition(","))
        return (family, given) if comma and family and given else None


class ExpertName(models.Model):
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="other_names", verbose_name=_("expert")
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("language or script"),
        max_length=20,
        blank=True,
        help_text=_("BCP 47 tag of the spelling, e.g. en, ru, zh-Hans, de."),
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("e.g. transliteration, former name")
    )

    version = version_field()

    class Meta:
        ordering = ["name"]
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        constraints = [
            models.UniqueConstraint(fields=["expert", "name"], name="expertname_unique_per_expert")
        ]

    def __str__(self):
        return self.name


class Affiliation(models.Model):
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("expert")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("organisation"),
        help_text=_('Leave blank for roles without one, such as "Indian journalist".'),
    )
    role = models.CharField(_("role (English)"), max_length=300, blank=True)
    role_zh = models.CharField(_("role (Chinese)"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_former = models.BooleanField(
        _("former role"),
        default=False,
        help_text=_('The source calls this a former role ("former president"), dated or not.'),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in which the roles are listed.")
    )

    version = version_field()
    objects = AffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["expert", "position", "pk"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="affiliation_ends_after_start",
                violation_error_message=_("An affiliation cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "expert"], name="affiliation_org_idx")]

    def __str__(self):
        parts = [p for p in (self.role, self.organization and self.organization.name) if p]
        label = ", ".join(parts) or self.role_zh or "—"
        return f"{label} ({_('former')})" if self.is_former else label

    @property
    def is_current(self):
        return not self.is_former and (
            self.end_date is None or self.end_date >= timezone.localdate()
        )

    @property
    def period(self):
        """ "2019–2024", "since 2019", "until 2024", or "" when undated (years only)."""
        start = self.start_date and format_partial_date(self.start_date, DatePrecision.YEAR)
        end = self.end_date and format_partial_date(self.end_date, DatePrecision.YEAR)
        if start and end:
            return f"{start}–{end}" if start != end else start
        if start:
            return _("since %(year)s") % {"year": start}
        if end:
            return _("until %(year)s") % {"year": end}
        return ""

    @property
    def role_text(self):
        """The role alone, in Chinese on the Chinese interface when there is one."""
        return self.role_zh if prefers_chinese() and self.role_zh else self.role

    @property
    def display_role(self):
        role = self.role_text
        org = self.organization.display_name if self.organization else ""
        if role and org and org in role:
            return role
        return pgettext("list separator", ", ").join(p for p in (role, org) if p)


class Outlet(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        NEWSPAPER = "newspaper", _("newspaper")
        MAGAZINE = "magazine", _("magazine")
        NEWS_AGENCY = "news_agency", _("news agency")
        BROADCASTER = "broadcaster", _("broadcaster")
        NEWS_SITE = "news_site", _("news website")
        THINK_TANK = "think_tank", _("think-tank site")
        GOVERNMENT = "government", _("government site")
        SOCIAL = "social", _("social network")
        JOURNAL = "journal", _("journal")
        RELIGIOUS = "religious", _("religious media")
        OTHER = "other", _("other")

    name = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outlets",
        verbose_name=_("country"),
    )
    homepage = WebURLField(_("home page"), blank=True)

    version = version_field()
    former_slugs = GenericRelation("FormerSlug")
    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [web_url_constraint("homepage", "outlet_homepage_web")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        refuse_unsafe_urls(self, "homepage")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commentary:outlet-detail", args=[self.slug])


class Source(PartialDateMixin, models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("article")
        OPED = "op_ed", _("op-ed")
        INTERVIEW = "interview", _("interview")
        EMAIL_INTERVIEW = "email_interview", _("e-mail interview")
        PRESS_RELEASE = "press_release", _("press release")
        STATEMENT = "statement", pgettext_lazy("kind of source", "statement")
        SPEECH = "speech", _("speech")
        SOCIAL_POST = "social_post", _("social media post")
        REPORT = "report", _("report")
        BROADCAST = "broadcast", _("broadcast")
        COMPILATION = "compilation", _("compilation")

    class LinkStatus(models.TextChoices):
        UNCHECKED = "unchecked", _("not checked")
        OK = "ok", _("reachable")
        REDIRECTED = "redirected", _("redirects elsewhere")
        BROKEN = "broken", _("broken")

    partial_date_field = "published_on"

    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("outlet"),
        help_text=_("Leave blank only when the source does not say where it was published."),
    )
    title = models.CharField(
        _("title"),
        max_length=500,
        blank=True,
        help_text=_("Leave blank when the citation gives only the outlet and date."),
    )
    url = WebURLField(
        _("URL"), max_length=1000, blank=True, help_text=_("Blank for e.g. an e-mail interview.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    language = models.CharField(_("language"), max_length=20, blank=True)
    archived_url = WebURLField(
        _("archived copy elsewhere"),
        max_length=1000,
        blank=True,
        help_text=_("A copy in another web archive, e.g. the Wayback Machine."),
    )
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    copies_allowed = models.BooleanField(
        _("own copy allowed"),
        default=True,
        help_text=_("Untick for a source whose terms forbid copies: the archive then keeps none."),
    )
    # Kept by the link checker and the copier (preservation/), shown read-only to editors.
    link_status = models.CharField(
        _("link status"),
        max_length=12,
        choices=LinkStatus.choices,
        default=LinkStatus.UNCHECKED,
        editable=False,
    )
    link_checked_at = models.DateTimeField(
        _("link last checked"), null=True, blank=True, editable=False
    )
    link_failures = models.PositiveIntegerField(
        _("failed checks in a row"), default=0, editable=False
    )
    link_failing_since = models.DateTimeField(
        _("failing since"), null=True, blank=True, editable=False
    )
    suggested_url = models.URLField(
        _("new address"),
        max_length=1000,
        blank=True,
        editable=False,
        help_text=_("Where the link now permanently redirects, as the link checker found."),
    )
    copied_at = models.DateTimeField(_("own copy made"), null=True, blank=True, editable=False)
    notes = models.TextField(_("editor's notes"), blank=True)
    statement_count = stored_count(_("published statements citing it"))

    version = version_field()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="source_date_precision_valid",
            ),
            web_url_constraint("url", "source_url_web"),
            web_url_constraint("archived_url", "source_archived_url_web"),
            web_url_constraint("suggested_url", "source_suggested_url_web"),
        ]
        indexes = [
            models.Index(fields=["outlet", "published_on"], name="source_outlet_date_idx"),
            models.Index(fields=["link_checked_at"], name="source_link_checked_idx"),
            models.Index(fields=["kind"], name="source_kind_idx"),
        ]

    def __str__(self):
        label = self.title or (self.outlet.name if self.outlet else _("untitled source"))
        return f"{label}, {self.display_date}" if self.published_on else label

    def save(self, *args, **kwargs):
        refuse_unsafe_urls(self, "url", "archived_url", "suggested_url")
        self.normalise_partial_date()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commentary:source-detail", args=[self.pk])

    @property
    def web_url(self):
        """The live address if it may be shown as a link, else ``""``."""
        return self.url if is_web_url(self.url) else ""

    @property
    def link_is_broken(self):
        return self.link_status == self.LinkStatus.BROKEN


class LinkCheck(models.Model):
    """One check of a source's address by ``manage.py check_links``: the history of a link."""

    class Outcome(models.TextChoices):
        OK = "ok", _("reachable")
        REDIRECTED = "redirected", _("moved permanently")
        SOFT_404 = "soft_404", _("page says not found")
        CLIENT_ERROR = "http_4xx", _("HTTP 4xx")
        SERVER_ERROR = "http_5xx", _("HTTP 5xx")
        RATE_LIMITED = "rate_limited", _("rate limited (429)")
        REDIRECT_LOOP = "redirect_loop", _("too many redirects")
        TIMEOUT = "timeout", _("timed out")
        REFUSED = "refused", _("connection refused")
        DNS = "dns", _("no such host")
        TLS = "tls", _("TLS error")
        ERROR = "error", _("other error")
        ROBOTS = "robots", _("not checked: robots.txt forbids")

    # Outcomes that say nothing about the link: neither a success nor a failure.
    INCONCLUSIVE = (Outcome.RATE_LIMITED, Outcome.ROBOTS)
    SUCCESSES = (Outcome.OK, Outcome.REDIRECTED)

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="link_checks", verbose_name=_("source")
    )
    url = models.URLField(_("address checked"), max_length=1000)
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final address"), max_length=1000, blank=True)
    redirects = models.JSONField(
        _("redirects"), default=list, blank=True, help_text=_("[status, address] per hop.")
    )
    method = models.CharField(_("method"), max_length=4, blank=True)
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        indexes = [
            models.Index(fields=["source", "-checked_at"], name="linkcheck_source_time_idx"),
        ]

    def __str__(self):
        return f"{self.url} {self.get_outcome_display()} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def failed(self):
        return self.outcome not in self.SUCCESSES and self.outcome not in self.INCONCLUSIVE


def archive_storage():
    """Where the archive keeps its own copies of sources (``STORAGES["archive"]``)."""
    from django.core.files.storage import storages

    return storages["archive"]


def copy_path(copy, filename):
    return f"warc/{copy.fetched_at:%Y/%m}/{filename}"


class ArchivedCopy(models.Model):
    """The archive's own copy of a source page, one WARC file (``manage.py archive_sources``)."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="copies", verbose_name=_("source")
    )
    url = models.URLField(_("address fetched"), max_length=1000)
    final_url = models.URLField(_("final address"), max_length=1000, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    warc = models.FileField(_("WARC file"), storage=archive_storage, upload_to=copy_path)

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        get_latest_by = "fetched_at"
        verbose_name = _("archived copy")
        verbose_name_plural = _("archived copies")
        indexes = [
            models.Index(fields=["source", "-fetched_at"], name="copy_source_time_idx"),
        ]

    def __str__(self):
        return f"{self.url} {self.fetched_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("commentary:source-archived", args=[self.source_id]) + f"?copy={self.pk}"

    @property
    def kind(self):
        """``"html"``, ``"pdf"`` or ``"text"``: how a reader is shown it."""
        if self.content_type == "application/pdf":
            return "pdf"
        return "text" if self.content_type == "text/plain" else "html"


class Topic(BilingualNameMixin, models.Model):
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader topic"),
    )
    statement_count = stored_count(_("published statements"))

    version = version_field()
    former_slugs = GenericRelation("FormerSlug")
    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="topic_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("commentary:topic-detail", args=[self.slug])


class Quote(Reviewed, PartialDateMixin, models.Model):
    Kind = QuoteKind

    class Language(models.TextChoices):
        ZH_HANS = "zh-Hans", _("Chinese (Simplified)")
        ZH_HANT = "zh-Hant", _("Chinese (Traditional)")
        EN = "en", _("English")
        RU = "ru", _("Russian")
        UK = "uk", _("Ukrainian")
        FR = "fr", _("French")
        DE = "de", _("German")
        ES = "es", _("Spanish")
        AR = "ar", _("Arabic")
        JA = "ja", _("Japanese")

    partial_date_field = "said_on"

    text = models.TextField(_("text"), help_text=_("Exactly as published, in its language."))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        help_text=_(
            "Direct: every word is the speaker's. Partial: the speaker's words mixed with "
            "paraphrase. Paraphrase: none of the words are quoted."
        ),
    )
    said_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("When it was said or first published. Leave blank if unknown."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_('"February 2026" is month precision; it is never shown as 1 February.'),
    )
    context = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("Context a reader needs: the question asked, what an ellipsis leaves out."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("If this text is a translation, the statement in its original language."),
    )
    translator = models.CharField(_("translator"), max_length=200, blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="quotes", verbose_name=_("topics")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    # The search index's documents (see search_index.py): filled on save, never edited.
    search_text = models.TextField(_("indexed text"), blank=True, default="", editable=False)
    search_names = models.TextField(_("indexed names"), blank=True, default="", editable=False)

    version = version_field()
    status_changes = GenericRelation("StatusChange")
    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "-pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = [("publish_quote", _("Can publish and withdraw statements"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(original=F("pk")),
                name="quote_not_own_original",
                violation_error_message=_("A statement cannot be a translation of itself."),
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="quote_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuoteKind.values),
                name="quote_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="quote_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-said_on", "-id"], name="quote_status_date_idx"),
            models.Index(fields=["language", "status"], name="quote_language_idx"),
            models.Index(fields=["kind", "status"], name="quote_kind_idx"),
            # The sitemap's "last modified" of the statements: MAX(updated_at) of the
            # published ones (400 ms as a scan at a million statements).
            models.Index(fields=["status", "updated_at"], name="quote_status_updated_idx"),
        ]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def save(self, *args, **kwargs):
        self.normalise_partial_date()
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commentary:quote-detail", args=[self.pk])

    def clean(self):
        if self.original_id and self.original_id == self.pk:
            raise ValidationError({"original": _("A statement cannot be a translation of itself.")})


class QuoteSpeaker(models.Model):
    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("statement")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="speaker_roles", verbose_name=_("speaker")
    )
    # A role still shown by a statement cannot be deleted (the statement would silently
    # lose "role at the time"): remove it from the speaker row first.
    affiliation = models.ForeignKey(
        Affiliation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="speaker_roles",
        verbose_name=_("role at the time"),
        help_text=_("The affiliation the speaker held when the statement was made."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    version = version_field()

    class Meta:
        ordering = ["quote", "position"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "position"], name="quotespeaker_position_unique"
            ),
            models.UniqueConstraint(fields=["quote", "expert"], name="quotespeaker_expert_unique"),
        ]
        indexes = [models.Index(fields=["expert", "quote"], name="quotespeaker_expert_idx")]

    def __str__(self):
        return str(self.expert)

    def clean(self):
        if self.affiliation_id and self.expert_id and self.affiliation.expert_id != self.expert_id:
            raise ValidationError(
                {"affiliation": _("This role belongs to another expert; choose one of theirs.")}
            )

    @property
    def display_role(self):
        if not self.affiliation:
            return ""
        return self.affiliation.display_role


class Citation(models.Model):
    Role = CitationRole

    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="citations", verbose_name=_("statement")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.FIRST)
    locator = models.CharField(
        _("locator"),
        max_length=300,
        blank=True,
        help_text=_("Page, timestamp or passage that locates the statement in the source."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    version = version_field()

    class Meta:
        ordering = ["quote", "position"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="citation_position_unique"),
            models.UniqueConstraint(
                fields=["quote", "source", "role"], name="citation_source_role_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CitationRole.values), name="citation_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["source", "quote"], name="citation_source_idx")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.source}"


class Collection(Reviewed, BilingualNameMixin, PartialDateMixin, models.Model):
    zh_field = "title_zh"
    latin_field = "title"
    partial_date_field = "published_on"

    title = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    compiler = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compilations",
        verbose_name=_("compiled by"),
    )
    translator = models.CharField(
        _("translator"),
        max_length=200,
        blank=True,
        help_text=_("Who translated the compilation, as credited."),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collections",
        verbose_name=_("original publication"),
    )
    translation_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translated_collections",
        verbose_name=_("translated edition"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    notes = models.TextField(_("editor's notes"), blank=True)
    statement_count = stored_count(_("published statements in it"))

    version = version_field()
    status_changes = GenericRelation("StatusChange")
    former_slugs = GenericRelation("FormerSlug")
    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        permissions = [("publish_collection", _("Can publish and withdraw collections"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="collection_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalise_partial_date()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commentary:collection-detail", args=[self.slug])


class CollectionSection(BilingualNameMixin, models.Model):
    zh_field = "title_zh"
    latin_field = "title"

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="sections", verbose_name=_("collection")
    )
    title = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    slug = models.SlugField(_("anchor"), max_length=100, help_text=_("Used in the page's URL."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    version = version_field()

    class Meta:
        ordering = ["collection", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "position"], name="collectionsection_position_unique"
            ),
            models.UniqueConstraint(
                fields=["collection", "slug"], name="collectionsection_slug_unique"
            ),
        ]

    def __str__(self):
        return self.title

    # Element ids the page layout already uses; a section anchor must not repeat them.
    RESERVED_ANCHORS = frozenset({"main", "site-q"})

    def clean(self):
        if self.slug in self.RESERVED_ANCHORS or self.slug.endswith("-heading"):
            raise ValidationError({"slug": _("This anchor is used by the page itself.")})


class CollectionEntry(models.Model):
    section = models.ForeignKey(
        CollectionSection,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("section"),
    )
    quote = models.ForeignKey(
        Quote,
        on_delete=models.PROTECT,
        related_name="collection_entries",
        verbose_name=_("statement"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    version = version_field()

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="collectionentry_position_unique"
            ),
            models.UniqueConstraint(
                fields=["section", "quote"], name="collectionentry_quote_unique"
            ),
        ]
        indexes = [models.Index(fields=["quote"], name="collectionentry_quote_idx")]

    def __str__(self):
        return f"{self.section} #{self.position}"


# Editorial records ----------------------------------------------------------------------


class StatusChange(models.Model):
    """One workflow transition of a statement or collection: who, when, from what to what."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(
        _("from"), max_length=10, choices=Status.choices, blank=True, help_text=_("Blank: new.")
    )
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Blank when made by a management command or an import."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="statuschange_record_idx")
        ]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class FormerSlug(models.Model):
    """A slug a record used to have (renamed, or merged into another): its URL redirects."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    slug = models.SlugField(_("slug"), max_length=120)
    retired_at = models.DateTimeField(_("retired"), default=timezone.now)

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="formerslug_unique_per_kind"
            )
        ]

    def __str__(self):
        return self.slug


class Total(models.Model):
    """An archive-wide count the home page shows (``counting/`` keeps it current)."""

    class Name(models.TextChoices):
        STATEMENTS = "statements", _("published statements")
        EXPERTS = "experts", _("experts with published statements")
        COUNTRIES = "countries", _("countries of those experts")
        SOURCES = "sources", _("sources cited by published statements")

    name = models.CharField(_("name"), max_length=20, choices=Name.choices, primary_key=True)
    value = models.PositiveBigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("archive total")
        verbose_name_plural = _("archive totals")

    def __str__(self):
        return f"{self.get_name_display()}: {self.value}"
