"""The page cache for anonymous readers (commentary/caching/pages.py): what is stored, what
never is, conditional requests, and every change visible on the next request.

The same through two real server processes sharing the cache (files, and a real Redis
server) is in ``test_page_cache_servers.py``.
"""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils.http import http_date

from commentary.caching import generation
from commentary.caching.pages import HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(make_quote, make_expert):
    speaker = make_expert(name="Maxim Starchak")
    published = make_quote(text="Deterrence stays stable", speakers=[speaker])
    draft = make_quote(text="Unpublishedword in a draft", speakers=[speaker], status="draft")
    return speaker, published, draft


def public_urls(speaker, published):
    return [
        "/",
        "/quotes/",
        "/zh-hans/quotes/",
        "/quotes/?q=unpublishedword",
        "/quotes/?q=deterrence",
        f"/quotes/{published.pk}/",
        f"/experts/{speaker.slug}/",
        "/experts/",
        "/countries/",
        "/quotes/feed/",
        f"/experts/{speaker.slug}/feed/",
        "/sitemap.xml",
        "/api/quotes/",
        "/api/experts/",
        f"/api/quotes/{published.pk}/",
    ]


def test_an_anonymous_read_is_stored_and_answered_from_the_cache(client, archive):
    first = client.get("/quotes/")
    second = client.get("/quotes/")
    assert first.status_code == second.status_code == 200
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Cache-Control"] == "public, no-cache"
    assert "Set-Cookie" not in second
    # The headers the outer middleware adds are there on a hit too.
    assert second["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in second


def test_conditional_requests_are_answered_304(client, archive):
    page = client.get("/quotes/")
    etag, modified = page["ETag"], page["Last-Modified"]
    assert client.get("/quotes/", headers={"If-None-Match": etag}).status_code == 304
    assert client.head("/quotes/", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/quotes/", headers={"If-Modified-Since": modified}).status_code == 304
    other = client.get("/quotes/", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == page.content


def test_a_change_is_visible_on_the_next_request_and_the_old_etag_is_refused(
    client, archive, make_quote
):
    speaker, published, _draft = archive
    before = client.get(f"/experts/{speaker.slug}/")
    assert client.get(f"/experts/{speaker.slug}/")[HEADER] == "hit"
    make_quote(text="Freshly published words", speakers=[speaker])
    after = client.get(f"/experts/{speaker.slug}/", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after[HEADER] == "miss"
    assert "Freshly published words" in after.content.decode()
    published.text = "Deterrence edited after publication"
    published.save()
    page = client.get(f"/quotes/{published.pk}/").content.decode()
    assert "Deterrence edited after publication" in page


def test_last_modified_is_when_the_generation_last_moved_on(client, archive):
    page = client.get("/quotes/")
    assert page["Last-Modified"] == http_date(int(generation.changed_at(generation.current())))


def test_a_draft_never_appears_in_any_cached_answer(client, archive):
    speaker, published, draft = archive
    urls = public_urls(speaker, published)
    for _round in range(2):  # the miss, then the hit
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Unpublishedword" not in response.content.decode(), url
    assert client.get(f"/quotes/{draft.pk}/").status_code == 404
    assert client.get(f"/api/quotes/{draft.pk}/").status_code == 404
    draft.status = "published"
    draft.save()
    assert "Unpublishedword" in client.get("/quotes/?q=unpublishedword").content.decode()
    assert client.get(f"/quotes/{draft.pk}/").status_code == 200
    draft.status = "withdrawn"
    draft.save()
    listed = client.get("/quotes/?q=unpublishedword")
    assert listed[HEADER] == "miss"
    assert f"/quotes/{draft.pk}/" not in listed.content.decode()


def test_an_editors_pages_are_never_stored_nor_shared(client, archive):
    editor = User.objects.create_superuser("editor", password="a long editor password")
    client.force_login(editor)
    page = client.get("/quotes/")
    assert HEADER not in page
    assert "private" in page["Cache-Control"]
    admin = client.get("/admin/commentary/quote/")
    assert admin.status_code == 200 and HEADER not in admin
    client.logout()
    client.cookies.clear()
    assert client.get("/quotes/")[HEADER] == "miss"  # nothing the editor saw was stored


def test_answers_that_set_cookies_or_use_csrf_are_never_stored(client, archive):
    for _round in range(2):
        login = client.get("/admin/login/")
        assert login.status_code == 200
        assert HEADER not in login
    client.cookies.clear()
    assert HEADER not in client.post("/i18n/setlang/", {"language": "zh-hans"})


def test_errors_redirects_and_streams_are_not_stored(client, archive):
    for url in ("/no-such-page/", "/quotes/?page=0", "/quotes/export.csv", "/popolo.json"):
        for _round in range(2):
            assert HEADER not in client.get(url), url


def test_languages_hosts_and_queries_are_cached_apart(client, archive):
    english = client.get("/quotes/")
    chinese = client.get("/zh-hans/quotes/")
    assert english.content != chinese.content
    assert client.get("/zh-hans/quotes/").content == chinese.content
    filtered = client.get("/quotes/?kind=paraphrase")
    assert filtered[HEADER] == "miss" and filtered.content != english.content


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_page_cache_can_be_turned_off(client, archive):
    assert HEADER not in client.get("/quotes/")
    assert HEADER not in client.get("/quotes/")


@override_settings(PAGE_CACHE_SHARED_SECONDS=60)
def test_a_proxy_may_be_allowed_to_keep_a_copy_for_a_while(client, archive):
    assert client.get("/quotes/")["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_head_is_answered_from_the_same_entry(client, archive):
    client.get("/quotes/")
    head = client.head("/quotes/")
    assert head.status_code == 200 and head[HEADER] == "hit"
    assert head.content == b""


def test_a_cache_server_that_went_away_means_uncached_pages_not_errors(client, archive, make_quote):
    """Redis stopped (nothing listens on the port): every page is computed afresh, saves
    still go through, and nothing fails."""
    from commentary.caching import generation

    away = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: refused at once
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    speaker, _published, _draft = archive
    with override_settings(CACHES=away):
        assert generation.current() is None
        for url in (
            "/quotes/",
            "/quotes/?q=deterrence",
            f"/experts/{speaker.slug}/",
            "/sitemap.xml",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert HEADER not in response
        make_quote(text="Said while the cache was away", speakers=[speaker])
        assert "Said while the cache was away" in client.get(f"/experts/{speaker.slug}/").text


def test_a_hit_keeps_the_answers_own_content_type(client, archive):
    for url, kind in (
        ("/api/quotes/", "application/json"),
        ("/quotes/feed/", "application/atom+xml"),
    ):
        first, second = client.get(url), client.get(url)
        assert second[HEADER] == "hit", url
        assert first["Content-Type"] == second["Content-Type"], url
        assert second["Content-Type"].startswith(kind), url


def test_an_answer_read_from_a_replica_is_kept_no_longer_than_the_lag_limit(archive, settings):
    """A replica's answer may lag the generation it is stored under: the replica router
    sets ``request.page_cache_seconds`` (its lag limit) and the page cache keeps the answer
    no longer than that."""
    import time

    from django.http import HttpResponse
    from django.test import RequestFactory

    from commentary.caching.pages import PageCacheMiddleware

    settings.PAGE_CACHE_SECONDS = 600
    computed = []

    def view(request):
        request.page_cache_seconds = 1
        computed.append(1)
        return HttpResponse("from a replica")

    middleware = PageCacheMiddleware(view)
    assert middleware(RequestFactory().get("/quotes/"))[HEADER] == "miss"
    assert middleware(RequestFactory().get("/quotes/"))[HEADER] == "hit"
    time.sleep(1.5)
    assert middleware(RequestFactory().get("/quotes/"))[HEADER] == "miss"
    assert len(computed) == 2
