"""Checks made when the archive starts serving requests (``archive/wsgi.py``, ``asgi.py``,
``runserver``), before it accepts any: each refuses to start with a message saying what to
do, rather than answer every request with a 500."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


def require_secret_key():
    """Refuse to serve without a secret key (it is only empty when DJANGO_DEBUG is off)."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    if not key:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )


def missing_static_manifest():
    """The error when static files are hashed (debug off) and ``collectstatic`` has not
    written their manifest under these settings, else None. Without it every page that
    links a static file answers 500 (``collectstatic`` run with ``DJANGO_DEBUG=true``
    writes none)."""
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
        return (
            f"No static files manifest in {settings.STATIC_ROOT}: run "
            "`manage.py collectstatic --noinput` with the production settings (DJANGO_DEBUG "
            "off) before starting the server."
        )
    return None


def require_static_manifest():
    if problem := missing_static_manifest():
        raise ImproperlyConfigured(problem)


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs=None, **kwargs):
    """``manage.py check --deploy`` says so too."""
    problem = missing_static_manifest()
    return [checks.Error(problem, id="commentary.E001")] if problem else []
