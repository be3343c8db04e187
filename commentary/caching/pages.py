"""The page cache: anonymous readers' GET and HEAD answers, stored under the archive's
generation, so a publish, a withdrawal, an edit, a rename or a merge is on the very next
request of every server process (``generation`` says why).

What is stored: a complete 200 answer to a request without a session cookie or
credentials, which set no cookie, used no CSRF token, read no session, and did not say
``private`` or ``no-store`` (the admin says ``no-store``; an editor or reader always has a
session cookie, so their pages are never stored or shared). Streamed answers (exports,
``popolo.json``) are not stored. The key is the generation, the interface language (the
path's prefix: with ``prefix_default_language=False`` an unprefixed path is always in the
default language, whatever the browser asks), the scheme, the host and the full path with
its query string.

Every stored answer carries an ``ETag`` (a digest of its body) and ``Last-Modified`` (when
the generation last moved on), and conditional requests are answered 304. ``Cache-Control:
public, no-cache`` lets a proxy or CDN keep a copy but ask each time (a 304 costs two
cache reads here: the generation and the entry); ``DJANGO_PAGE_CACHE_SHARED_SECONDS``
lets it serve its copy unasked for that long instead, trading "visible on the next
request" for fewer requests. Answers to requests with a session say ``private``.
``X-Page-Cache`` says ``hit`` or ``miss``.

Answers the cache keeps come before the views' own limits: a cached API answer does not
count against the API's rate limit (the limit protects the server, which a hit does not
load).
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language_from_path
from prometheus_client import Counter

from . import generation, tolerant

HEADER = "X-Page-Cache"
# The hit rate, for Prometheus (service/metrics.py): hits and misses of anonymous reads.
LOOKUPS = Counter(
    "archive_page_cache_requests", "Anonymous reads looked up in the page cache", ["result"]
)
# Headers of the answer (the view's and the middleware's below this one) that are the same
# for every reader, so kept. Everything else (Set-Cookie above all) is never stored.
KEPT = {
    "content-security-policy",
    "content-type",
    "content-language",
    "content-disposition",
    "link",
    "vary",
    "x-frame-options",
    "x-robots-tag",
    "allow",
}


def shared_cache_control(response):
    shared = settings.PAGE_CACHE_SHARED_SECONDS
    if shared > 0:
        patch_cache_control(response, public=True, max_age=0, s_maxage=shared)
    else:
        patch_cache_control(response, public=True, no_cache=True)


def anonymous_read(request):
    """Whether ``request`` could be answered from the cache: a GET or HEAD without a
    session cookie or credentials."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def storable(request, response):
    """Whether ``response`` to the anonymous ``request`` is the same for every reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "no_page_cache", False):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    control = response.get("Cache-Control", "").lower()
    return "private" not in control and "no-store" not in control


def do_not_store(request):
    """Keep the answer to ``request`` out of the page cache (it shows something that is
    being brought up to date, e.g. facets recounted in the background)."""
    request.no_page_cache = True


def page_key(request, current):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    digest = hashlib.sha256(f"{language}|{address}".encode()).hexdigest()
    return f"page:{current}:{digest}"


class Entry:
    """What the cache keeps of an answer: status, body, and every header a hit sends (the
    kept ones, ``ETag``, ``Last-Modified``, ``Cache-Control``), built once when stored."""

    def __init__(self, response, current):
        self.status = response.status_code
        self.content = response.content
        self.etag = f'"{hashlib.md5(self.content, usedforsecurity=False).hexdigest()}"'
        self.last_modified = int(generation.changed_at(current))
        stamped = HttpResponse()
        stamped["ETag"] = self.etag
        stamped["Last-Modified"] = http_date(self.last_modified)
        shared_cache_control(stamped)
        self.stamp = {name: stamped[name] for name in ("ETag", "Last-Modified", "Cache-Control")}
        kept = {k: v for k, v in response.headers.items() if k.lower() in KEPT}
        self.headers = {**kept, **self.stamp}

    def response(self):
        response = HttpResponse(self.content, status=self.status, headers=self.headers)
        response["Content-Length"] = str(len(self.content))
        return response

    def finish(self, response):
        """The stored answer's own validators and ``Cache-Control`` on the answer a miss
        sends (built once, in ``__init__``)."""
        for name, value in self.stamp.items():
            response[name] = value


class PageCacheMiddleware:
    """Answers anonymous reads from the cache, stores what may be shared, and answers
    conditional requests. Placed straight after WhiteNoise: a hit needs no session,
    locale, CSRF or authentication middleware, and what they add to an answer (a cookie,
    a read of the session) is seen here on the way out and keeps it from being stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not anonymous_read(request):
            return self.private(request, self.get_response(request))
        current = generation.current()
        if current is None:
            return self.get_response(request)
        key = page_key(request, current)
        entry = tolerant.get(key)
        if entry is not None:
            response = entry.response()
            response[HEADER] = "hit"
            LOOKUPS.labels("hit").inc()
        else:
            response = self.get_response(request)
            LOOKUPS.labels("miss").inc()
            if not storable(request, response):
                return response
            entry = Entry(response, current)
            # An answer read from a replica may be up to the replica's lag behind the
            # generation it is stored under: kept no longer than that lag limit.
            seconds = getattr(request, "page_cache_seconds", settings.PAGE_CACHE_SECONDS)
            tolerant.set(key, entry, min(seconds, settings.PAGE_CACHE_SECONDS))
            entry.finish(response)
            response[HEADER] = "miss"
        if not ("HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META):
            return response
        return (
            get_conditional_response(
                request,
                etag=entry.etag,
                last_modified=entry.last_modified,
                response=response,
            )
            or response
        )

    @staticmethod
    def private(request, response):
        """A request with a session is one reader's: no shared cache may keep its answer."""
        if settings.SESSION_COOKIE_NAME in request.COOKIES and "Cache-Control" not in response:
            patch_cache_control(response, private=True)
        return response
