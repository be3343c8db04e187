"""URLs for machines rather than readers, outside the language prefixes: the sitemap,
robots.txt and the Popolo export."""

from django.urls import path

from . import popolo

app_name = "machine"

urlpatterns = [
    # Sitemap and robots.txt (sitemaps.py)
    # Popolo (popolo.py)
    path("popolo.json", popolo.popolo, name="popolo"),
]
