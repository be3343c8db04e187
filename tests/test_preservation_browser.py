"""An archived copy of a hostile page, replayed in Chromium: nothing in it runs, loads or
posts, whether it is read inside the archive's banner or opened on its own.

The page (tests/webserver.py HOSTILE) tries a script, inline handlers, a meta refresh, a
base href, CSS and image loads, an iframe, an object, a javascript: link and a form that
posts itself to the archive's admin. Every one of them would ask for the "beacon" address on
the archive's own server, so a request to it is how a test sees anything that ran. The
control at the end loads the same HTML unprotected and sees the beacon asked for: the
measure itself works.
"""

import pytest

from commentary.models import Source
from commentary.preservation import copies

from .webserver import LocalWeb

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEACON = "/beacon-for-hostile-copies/"


@pytest.fixture
def web():
    server = LocalWeb()
    yield server
    server.stop()


@pytest.fixture
def hostile_copy(web, live_server, make_quote, make_source, settings, tmp_path):
    settings.LINK_CHECK = {**settings.LINK_CHECK, "HOST_DELAY": 0.0, "TIMEOUT": 2.0}
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "copies")},
        },
    }
    web.beacon = live_server.url + BEACON
    web.archive = live_server.url
    source = make_source(url=web.url("/hostile"), language="en")
    make_quote(sources=[source])
    copies.archive_sources(Source.objects.filter(pk=source.pk))
    return source, source.copies.get()


def watch_requests(page):
    """Every request any page, frame or popup of the browser makes, allowed or not."""
    seen = []
    page.context.on("request", lambda request: seen.append((request.method, request.url)))
    return seen


def beacon_hits(seen):
    return [(method, url) for method, url in seen if BEACON in url]


def posts(seen):
    return [url for method, url in seen if method != "GET"]


def test_a_hostile_archived_page_runs_nothing_in_its_banner(
    browser_page, live_server, hostile_copy
):
    source, _copy = hostile_copy
    page = browser_page
    seen = watch_requests(page)
    page.goto(f"{live_server.url}/sources/{source.pk}/archived/")
    title = page.title()
    frame = page.frame_locator("iframe.archived-page")
    assert "The treaty's expiry is regrettable." in frame.locator("body").inner_text()
    page.wait_for_timeout(1500)  # time for a refresh, an onload or a form to fire
    assert beacon_hits(seen) == []
    assert posts(seen) == []
    assert page.title() == title and "pwned" not in title
    assert page.url == f"{live_server.url}/sources/{source.pk}/archived/"
    assert "the live page may differ" in page.locator(".archive-banner").inner_text()
    frame.locator("text=click").click()
    page.wait_for_timeout(300)
    assert beacon_hits(seen) == [] and posts(seen) == []


def test_a_hostile_archived_page_runs_nothing_opened_on_its_own(
    browser_page, live_server, hostile_copy
):
    source, copy = hostile_copy
    page = browser_page
    seen = watch_requests(page)
    content = f"{live_server.url}/sources/{source.pk}/archived/{copy.pk}/content/"
    page.goto(content)
    assert "The treaty's expiry is regrettable." in page.locator("body").inner_text()
    page.wait_for_timeout(1500)
    assert beacon_hits(seen) == [] and posts(seen) == []
    assert page.url == content and page.title() != "pwned"
    # The sandboxed document has an opaque origin: no cookies, no storage of the archive's.
    assert page.evaluate("() => self.origin") == "null"


def test_the_same_page_unprotected_does_reach_the_beacon(
    browser_page, live_server, web, hostile_copy
):
    """The control: the hostile page read straight from the (local) web, without the
    archive's sanitising and sandbox, reaches the beacon and posts its form at once (so the
    empty lists above mean something)."""
    page = browser_page
    seen = watch_requests(page)
    page.context.route(web.url("/") + "**", lambda route: route.continue_())
    page.goto(web.url("/hostile"), wait_until="commit")
    # The form posts itself and the meta refresh navigates away, each racing the others:
    # which of the loads and handlers fire first varies from run to run. The script and
    # the image always do, and so does the post.
    hits = set()
    for _ in range(50):
        page.wait_for_timeout(100)
        hits = {url.split("?")[-1] for _method, url in beacon_hits(seen)}
        if {"script", "img"} <= hits and posts(seen):
            break
    assert {"script", "img"} <= hits, hits
    assert posts(seen) == [live_server.url + "/admin/login/"]
