"""The read API under ``/api/``: Django REST framework views over published rows only.

A ``SimpleRouter`` (no format-suffix patterns): the lookup parameters are named ``pk``,
``slug`` and ``code`` as on the site, which the leak crawl (tests/test_leaks.py) fills.
"""

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document, as JSON, at a URL that does not change: ``/api/schema/``."""

    renderer_classes = [OpenApiJsonRenderer]


router = SimpleRouter()
router.register("quotes", views.StatementViewSet, basename="quote")
router.register("experts", views.ExpertViewSet, basename="expert")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("countries", views.CountryViewSet, basename="country")
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("sources", views.SourceViewSet, basename="source")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("collections", views.CollectionViewSet, basename="collection")

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("schema/", SchemaView.as_view(), name="schema"),
    *router.urls,
]
