from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Machine surfaces: the same in every interface language, so outside the prefixes.
    path("api/", include("commentary.api.urls")),
    path("", include("commentary.machine_urls")),
]

urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("commentary.urls")),
    prefix_default_language=False,
)

# A database error raised outside a view (in a middleware) answers 503 too.
handler500 = "commentary.service.faults.server_error"
