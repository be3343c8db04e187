"""The sitemap and robots.txt: what search engines may index, and where to find it.

``/sitemap.xml`` is an index of one sitemap per section (``/sitemap-quotes.xml``, ...),
each split into pages of ``PAGE_SIZE`` URLs (``?p=2``). Every page of the archive is
listed once per interface language (the Chinese ones under ``/zh-hans/``), each with
``hreflang`` alternates for all of them. Only what public pages show is listed: the
querysets are the same ``published()`` and ``public()`` ones the pages use.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from ..caching import generation
from ..models import Collection, Country, Expert, Organization, Outlet, Quote, Source, Topic

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# <url> entries per sitemap page (a statement is two: one per language). The protocol
# allows 50,000, but each takes about half a millisecond to build and render, and a page
# should answer in well under a second; a million statements make 1,000 pages.
PAGE_SIZE = 2000


class PerLanguage:
    """The ``(record, language)`` pairs of a queryset, read one page at a time.

    Django's i18n sitemaps build the list of pairs for every record before paginating,
    which at a million statements means reading them all for each page; this reads only
    the records of the page asked for (and a ``COUNT`` for the number of pages, kept
    under the archive's generation: the index counts every section).
    """

    def __init__(self, rows, languages):
        self.rows = rows
        self.languages = languages

    def count(self):
        key = f"sitemap-count:{self.rows.model._meta.label}"
        return generation.remember(key, self.rows.count) * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        n = len(self.languages)
        first = page.start // n
        rows = self.rows[first : -(-page.stop // n)]
        pairs = [(row, language) for row in rows for language in self.languages]
        skip = page.start - first * n
        return pairs[skip : skip + page.stop - page.start]


class PageSitemap(Sitemap):
    """Each page once per interface language, with alternates for all of them."""

    limit = PAGE_SIZE
    i18n = True
    languages = LANGUAGES
    alternates = True
    x_default = True


class StaticSitemap(PageSitemap):
    names = ["home", "quote-list", "expert-list", "country-list"]

    def items(self):
        return self.names

    def location(self, name):
        return reverse(f"commentary:{name}")


class RecordSitemap(PageSitemap):
    """Records of a model, in a stable order (by key), reading only the fields that
    their URL (and ``lastmod``) needs."""

    fields = ("pk",)

    def rows(self):
        raise NotImplementedError

    def items(self):
        return self.rows().only(*self.fields).order_by("pk")

    @property
    def paginator(self):
        return Paginator(PerLanguage(self.items(), self.languages), self.limit)


class QuoteSitemap(RecordSitemap):
    fields = ("pk", "updated_at")

    def rows(self):
        return Quote.objects.published()

    def lastmod(self, quote):
        return quote.updated_at

    def get_latest_lastmod(self):
        # One aggregate, not Django's default of reading every statement.
        return self.rows().aggregate(latest=Max("updated_at"))["latest"]


class ExpertSitemap(RecordSitemap):
    fields = ("pk", "slug")

    def rows(self):
        return Expert.objects.public()


class CountrySitemap(RecordSitemap):
    def rows(self):
        return Country.objects.filter(code__in=Expert.objects.public().values("country"))


class OrganizationSitemap(RecordSitemap):
    fields = ("pk", "slug")

    def rows(self):
        return Organization.objects.public()


class OutletSitemap(RecordSitemap):
    fields = ("pk", "slug")

    def rows(self):
        return Outlet.objects.public()


class SourceSitemap(RecordSitemap):
    def rows(self):
        return Source.objects.public()


class TopicSitemap(RecordSitemap):
    fields = ("pk", "slug")

    def rows(self):
        return Topic.objects.public()


class CollectionSitemap(RecordSitemap):
    fields = ("pk", "slug")

    def rows(self):
        return Collection.objects.published()


SITEMAPS = {
    "static": StaticSitemap,
    "quotes": QuoteSitemap,
    "experts": ExpertSitemap,
    "countries": CountrySitemap,
    "organizations": OrganizationSitemap,
    "outlets": OutletSitemap,
    "sources": SourceSitemap,
    "topics": TopicSitemap,
    "collections": CollectionSitemap,
}
# The sections as literal alternatives, so that the URL pattern lists them all.
SECTION_ROUTE = rf"^sitemap-(?P<section>{'|'.join(SITEMAPS)})\.xml$"


@require_safe
def index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="machine:sitemap-section")


@require_safe
def section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


# Machine surfaces and editors' pages: the exports and citations of whole lists are
# the same statements as the pages, which crawlers read already.
DISALLOWED_IN_EVERY_LANGUAGE = [
    settings.ADMIN_URL,
    "quotes/export.",
    "quotes/cite.",
    "quotes/*/cite.",  # one statement's citation files (RFC 9309 wildcards)
    "suggest/",
]
DISALLOWED = ["/api/", "/i18n/"]


@require_safe
def robots_txt(request):
    disallowed = list(DISALLOWED)
    for language in LANGUAGES:
        with translation.override(language):
            home = reverse("commentary:home")  # "/" or "/zh-hans/"
        disallowed += [home + path for path in DISALLOWED_IN_EVERY_LANGUAGE]
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in disallowed),
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('machine:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
