"""Atom feeds (RFC 4287) of published statements.

``/quotes/feed/`` follows the whole archive or, with the list's query string, any filtered
list; each expert, country, organisation, outlet, topic and collection page has its feed at
``<page>feed/``, which takes the list's filters too. Every feed holds the newest
``ENTRY_COUNT`` statements, newest first by the date said (the list's ``sort`` is ignored:
a feed is read newest first).

What an entry says, and why:

- ``id``: the statement's permalink without a language prefix. It never changes when the
  text is edited, and the English and Chinese feeds name the same statement the same way.
- ``published``: when this archive first published the entry (from the status log; for
  rows without one, when they were added). Not the date it was said: Atom needs a full
  timestamp, and "February 2026" must never become 1 February. The content states the
  date said at its precision; entries are ordered by it, as the list is.
- ``updated``: when the statement last changed (``Quote.updated_at``).
- one ``<author>`` per speaker, linked to their page: a joint statement has them all.
- the title marks a paraphrase or partial quote as such, so a reader never takes it for
  the speaker's words; the summary is the text alone, tagged with its language; the
  content adds the speakers' roles at the time, the date and the sources.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import resolve, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe

from .. import site
from ..browse.selection import active_filters, invalid_filters_response, selected_statements
from ..links import PAGING, permanent_url, query_url, web_url, without
from ..models import Collection, Country, Expert, Organization, Outlet, Quote, Topic
from ..slugs import Moved, by_slug, follows_renames
from .naming import headline

ENTRY_COUNT = 50
TITLE_CHARS = 80
# An empty feed's <updated>: fixed, so that polling it never looks like a change.
EMPTY_FEED_UPDATED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

LIST_SEPARATOR = pgettext_lazy("list separator", ", ")
LABEL_SEPARATOR = pgettext_lazy("label separator", ": ")
BETWEEN_SPEAKERS = pgettext_lazy("between speakers", "; ")
BETWEEN_FILTERS = pgettext_lazy("between filters in a feed title", "; ")


class StatementAtomFeed(Atom1Feed):
    """Atom with what ``Atom1Feed`` leaves out: several authors per entry (Django writes
    one), a summary tagged with the statement's language, HTML content, and categories
    with labels. The feed's ``updated`` is its newest entry's."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)  # title, link, dates, id
        for name, uri in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", uri)
            handler.endElement("author")
        handler.addQuickElement("summary", item["summary"], {"xml:lang": item["language"]})
        handler.addQuickElement("content", item["content"], {"type": "html"})
        for term, label in item["topics"]:
            handler.addQuickElement("category", "", {"term": term, "label": label})

    def latest_post_date(self):
        # Not Django's default (the latest of any entry date, or now): <published> is when
        # a statement was said, and "now" would make an empty feed change on every fetch.
        return max((item["updateddate"] for item in self.items), default=EMPTY_FEED_UPDATED)


class InvalidFilters(Exception):
    def __init__(self, filterset):
        self.filterset = filterset


@dataclass
class Listing:
    """What a feed is about: its title, the HTML page it follows and the statements."""

    title: str
    page: str
    rows: QuerySet


class StatementFeed(Feed):
    """The whole archive, or the list its query string selects. Subclasses narrow it to
    one record by overriding ``scope``."""

    feed_type = StatementAtomFeed
    url_name = "commentary:quote-feed"
    author_name = site.NAME
    item_description = None  # StatementAtomFeed writes the summary and content itself

    def __init__(self, request):
        self.request = request

    @classmethod
    def as_view(cls):
        """A view that answers each request with its own feed object, so that item methods
        can build absolute URLs from ``self.request``."""

        @require_safe
        def view(request, *args, **kwargs):
            try:
                return cls(request)(request, *args, **kwargs)
            except InvalidFilters as invalid:
                return invalid_filters_response(invalid.filterset)

        view.__name__ = view.__qualname__ = f"{cls.__name__}.view"
        view.__doc__ = cls.__doc__
        return view

    def scope(self):
        """``(title, page URL, statements)``; a title of None means the whole archive."""
        return None, reverse("commentary:quote-list"), Quote.objects.published()

    def get_object(self, request, *args, **kwargs):
        title, page, rows = self.scope(*args, **kwargs)
        filterset, rows = selected_statements(request.GET, queryset=rows, request=request)
        if rows is None:
            raise InvalidFilters(filterset)
        chips = active_filters(filterset, request.GET)
        if chips:
            filters = BETWEEN_FILTERS.join(
                f"{chip.label}{LABEL_SEPARATOR}{chip.value}" for chip in chips
            )
            title = _("%(title)s (%(filters)s)") % {
                "title": title or _("Statements"),
                "filters": filters,
            }
        query = query_url(without(request.GET, *PAGING)).rstrip("?")
        return Listing(title or _("All statements"), page + query, rows)

    # The feed ----------------------------------------------------------------------

    def _absolute(self, url):
        return self.request.build_absolute_uri(url)

    def title(self, listing):
        return listing.title

    def subtitle(self, listing):
        return _(
            "The newest statements in the %(archive)s: who said what, when, in which role, "
            "and where it was published."
        ) % {"archive": site.NAME}

    def link(self, listing):
        return listing.page

    def feed_url(self, listing):
        return self._absolute(self.request.get_full_path())

    def feed_guid(self, listing):
        return self.feed_url(listing)

    def author_link(self):
        return self._absolute(reverse("commentary:home"))

    def items(self, listing):
        return listing.rows.newest_first().for_list().with_published_at()[:ENTRY_COUNT]

    # Each entry --------------------------------------------------------------------

    def item_title(self, quote):
        return headline(quote, TITLE_CHARS)

    def item_guid(self, quote):
        return permanent_url(self.request, quote)

    def item_pubdate(self, quote):
        return quote.published_at or quote.created_at

    def item_updateddate(self, quote):
        return quote.updated_at

    def item_extra_kwargs(self, quote):
        return {
            "authors": [
                (s.expert.display_name, self._absolute(s.expert.get_absolute_url()))
                for s in quote.speakers.all()
            ],
            "language": quote.language,
            "summary": quote.text,
            "content": self._content(quote),
            "topics": [(topic.slug, topic.display_name) for topic in quote.topics.all()],
        }

    def _content(self, quote):
        element = "div" if quote.kind == Quote.Kind.PARAPHRASE else "blockquote"
        speakers = format_html_join(
            BETWEEN_SPEAKERS,
            '<a href="{}">{}</a>{}',
            (
                (
                    self._absolute(s.expert.get_absolute_url()),
                    s.expert.display_name,
                    f"{LIST_SEPARATOR}{s.display_role}" if s.display_role else "",
                )
                for s in quote.speakers.all()
            ),
        )
        sources = format_html_join(
            "", "<li>{}</li>", ((self._source(c),) for c in quote.citations.all())
        )
        note = (
            format_html(
                "<p><em>{}</em>{}{}</p>",
                capfirst(_("editor's note")),
                LABEL_SEPARATOR,
                quote.context,
            )
            if quote.context
            else ""
        )
        return format_html(
            '<p><strong>{kind}</strong></p><{element} lang="{language}">{text}</{element}>'
            "<p>{speakers}</p><p>{date}</p><ul>{sources}</ul>{note}",
            kind=capfirst(quote.get_kind_display()),
            element=element,
            language=quote.language,
            text=mark_safe(linebreaks(quote.text, autoescape=True)),  # noqa: S308 (escaped)
            speakers=speakers,
            date=quote.display_date or _("Date not stated"),
            sources=sources,
            note=note,
        )

    def _source(self, citation):
        source = citation.source
        name = LABEL_SEPARATOR.join(
            str(part)
            for part in (source.outlet and source.outlet.display_name, source.title)
            if part
        )
        links = format_html_join(
            "",
            ' (<a href="{}">{}</a>)',
            (
                (url, label)
                for url, label in (
                    (web_url(source.url), _("original")),
                    (web_url(source.archived_url), _("archived copy")),
                )
                if url
            ),
        )
        return format_html(
            '{}{}<a href="{}">{}</a>{}{}',
            capfirst(citation.get_role_display()),
            LABEL_SEPARATOR,
            self._absolute(source.get_absolute_url()),
            name or _("source"),
            f"{LIST_SEPARATOR}{source.display_date}" if source.published_on else "",
            links,
        )


class SlugFeed(StatementFeed):
    """A feed of one record found by slug as its page finds it: unknown or unpublished
    records are 404, and a former slug (renamed or merged) moves to the current feed."""

    queryset = None

    def record(self, slug):
        try:
            return by_slug(self.queryset, slug)
        except Moved as moved:
            page = resolve(moved.response.url)  # the current record's page
            raise Moved(
                HttpResponsePermanentRedirect(reverse(self.url_name, kwargs=page.kwargs))
            ) from None

    @classmethod
    def as_view(cls):
        return follows_renames(super().as_view())


class ExpertFeed(SlugFeed):
    url_name = "commentary:expert-feed"
    queryset = Expert.objects.public()

    def scope(self, slug):
        expert = self.record(slug)
        title = _("Statements by %(name)s") % {"name": expert.display_name}
        return title, expert.get_absolute_url(), Quote.objects.published().by_expert(expert)


class OrganizationFeed(SlugFeed):
    url_name = "commentary:organization-feed"
    queryset = Organization.objects.public()

    def scope(self, slug):
        organization = self.record(slug)
        title = _("Statements made in roles at %(name)s") % {"name": organization.display_name}
        rows = Quote.objects.published().by_organization(organization)
        return title, organization.get_absolute_url(), rows


class OutletFeed(SlugFeed):
    url_name = "commentary:outlet-feed"
    queryset = Outlet.objects.public()

    def scope(self, slug):
        outlet = self.record(slug)
        title = _("Statements published by %(name)s") % {"name": outlet.display_name}
        return title, outlet.get_absolute_url(), Quote.objects.published().by_outlet(outlet)


class TopicFeed(SlugFeed):
    url_name = "commentary:topic-feed"
    queryset = Topic.objects.public()

    def scope(self, slug):
        topic = self.record(slug)
        title = _("Statements on %(name)s") % {"name": topic.display_name}
        return title, topic.get_absolute_url(), Quote.objects.published().by_topic(topic)


class CollectionFeed(SlugFeed):
    """The published statements of a published collection, newest first (not in the
    collection's own order: a feed reader sorts by date anyway)."""

    url_name = "commentary:collection-feed"
    queryset = Collection.objects.published()

    def scope(self, slug):
        collection = self.record(slug)
        title = _("Statements in %(title)s") % {"title": collection.display_name}
        rows = Quote.objects.published().in_collection(collection)
        return title, collection.get_absolute_url(), rows


class CountryFeed(StatementFeed):
    """Statements by experts from a country; only countries with published statements."""

    url_name = "commentary:country-feed"

    def scope(self, code):
        speaking = Country.objects.filter(code__in=Expert.objects.public().values("country"))
        country = get_object_or_404(speaking, code=code)
        title = _("Statements by experts from %(name)s") % {"name": country.display_name}
        rows = Quote.objects.published().by_country(country.code)
        return title, country.get_absolute_url(), rows


quote_feed = StatementFeed.as_view()
expert_feed = ExpertFeed.as_view()
country_feed = CountryFeed.as_view()
organization_feed = OrganizationFeed.as_view()
outlet_feed = OutletFeed.as_view()
topic_feed = TopicFeed.as_view()
collection_feed = CollectionFeed.as_view()
