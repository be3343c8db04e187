"""URLs for machines rather than readers, outside the language prefixes: the sitemap,
robots.txt and the Popolo export."""

from django.urls import path, re_path

from .outputs import popolo, sitemaps

app_name = "machine"

urlpatterns = [
    # Sitemap and robots.txt (sitemaps.py)
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    re_path(sitemaps.SECTION_ROUTE, sitemaps.section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    # Popolo (popolo.py)
    path("popolo.json", popolo.popolo, name="popolo"),
]
