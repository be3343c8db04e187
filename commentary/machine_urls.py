"""URLs for machines rather than readers, outside the language prefixes: the sitemap,
robots.txt, the Popolo export and the health checks."""

from django.urls import path, re_path

from .outputs import popolo, sitemaps
from .service import health, metrics

app_name = "machine"

urlpatterns = [
    # Sitemap and robots.txt (sitemaps.py)
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    re_path(sitemaps.SECTION_ROUTE, sitemaps.section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    # Popolo (popolo.py)
    path("popolo.json", popolo.popolo, name="popolo"),
    # Health checks for load balancers (service/health.py)
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus metrics, only with DJANGO_METRICS_TOKEN and for whoever sends it
    path("metrics", metrics.metrics, name="metrics"),
]
