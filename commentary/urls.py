from django.urls import path, re_path, register_converter

from . import views
from .outputs import exports, feeds


class CountryCodeConverter:
    """Two letters, any case: anything else (NUL bytes included) never reaches the database."""

    regex = "[A-Za-z]{2}"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value


register_converter(CountryCodeConverter, "country")

app_name = "commentary"

urlpatterns = [
    path("", views.home, name="home"),
    path("quotes/", views.quote_list, name="quote-list"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote-detail"),
    path("experts/", views.expert_list, name="expert-list"),
    path("experts/<slug:slug>/", views.expert_detail, name="expert-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<country:code>/", views.country_detail, name="country-detail"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet-detail"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("sources/<int:pk>/archived/", views.source_archived, name="source-archived"),
    path(
        "sources/<int:pk>/archived/<int:copy>/content/",
        views.source_archived_content,
        name="source-archived-content",
    ),
    path(
        "sources/<int:pk>/archived/<int:copy>.warc.gz",
        views.source_archived_warc,
        name="source-archived-warc",
    ),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("collections/<slug:slug>/", views.collection_detail, name="collection-detail"),
    # Exports of any statement list (exports.py)
    re_path(r"^quotes/export\.(?P<fmt>csv|jsonl|json)$", exports.quote_export, name="quote-export"),
    # Citations: one statement, or a whole filtered list (cite.py)
    re_path(
        r"^quotes/(?P<pk>[0-9]+)/cite\.(?P<fmt>bib|ris|json)$",
        views.quote_citation,
        name="quote-citation",
    ),
    re_path(
        r"^quotes/cite\.(?P<fmt>bib|ris|json)$",
        views.quote_list_citation,
        name="quote-list-citation",
    ),
    # Atom feeds (feeds.py)
    path("quotes/feed/", feeds.quote_feed, name="quote-feed"),
    path("experts/<slug:slug>/feed/", feeds.expert_feed, name="expert-feed"),
    path("countries/<country:code>/feed/", feeds.country_feed, name="country-feed"),
    path("organizations/<slug:slug>/feed/", feeds.organization_feed, name="organization-feed"),
    path("outlets/<slug:slug>/feed/", feeds.outlet_feed, name="outlet-feed"),
    path("topics/<slug:slug>/feed/", feeds.topic_feed, name="topic-feed"),
    path("collections/<slug:slug>/feed/", feeds.collection_feed, name="collection-feed"),
    re_path(r"^suggest/(?P<kind>experts|organizations|outlets)/$", views.suggest, name="suggest"),
]
