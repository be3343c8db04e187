"""WSGI entry point: ``gunicorn archive.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from commentary.startup import require_secret_key, require_static_manifest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

require_secret_key()
application = get_wsgi_application()
require_static_manifest()  # before the server accepts a request
