"""Sources stay reachable: the link checker and the copier against a real local web
(tests/webserver.py: HTTP and HTTPS servers on 127.0.0.1), the archived copies read back
and shown safely, and addresses that are not http/https never stored or linked."""

import datetime
import hashlib
import io
import itertools
import re
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from commentary.caching import generation
from commentary.models import ArchivedCopy, LinkCheck, Source
from commentary.preservation import checking, copies, replay
from commentary.preservation.checking import Check, check_url, next_state
from commentary.preservation.fetching import Fetcher

from .webserver import LocalWeb, SelfSigned, free_port

Outcome = LinkCheck.Outcome
USER_AGENT = "CommentaryArchiveLinkChecker/1.0 (+https://archive.example.org/about/)"


@pytest.fixture(scope="module")
def web():
    server = LocalWeb()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def certificate():
    made = SelfSigned()
    yield made
    made.remove()


@pytest.fixture(scope="module")
def tls_web(certificate):
    server = LocalWeb(tls_context=certificate.context)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def quick_checks(settings, tmp_path):
    """Short timeouts and no wait between a host's requests (the politeness tests set their
    own), copies into a scratch directory."""
    settings.LINK_CHECK = {
        **settings.LINK_CHECK,
        "TIMEOUT": 1.0,
        "HOST_DELAY": 0.0,
        "USER_AGENT": USER_AGENT,
        "COPY_MAX_BYTES": 2**20,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "copies")},
        },
    }


def check(url, **config):
    return check_url(Fetcher(config), url)


# Classifying every kind of answer ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "outcome", "status", "final", "new"),
    [
        ("/ok", Outcome.OK, 200, "/ok", ""),
        ("/temporary", Outcome.OK, 200, "/ok", ""),
        ("/moved", Outcome.REDIRECTED, 200, "/ok", "/ok"),
        ("/moved-308", Outcome.REDIRECTED, 200, "/ok", "/ok"),
        ("/chain", Outcome.REDIRECTED, 200, "/ok", "/chain-2"),  # 301 then temporary hops
        ("/loop-a", Outcome.REDIRECT_LOOP, 302, "/loop-a", ""),
        ("/missing", Outcome.CLIENT_ERROR, 404, "/missing", ""),
        ("/gone", Outcome.CLIENT_ERROR, 410, "/gone", ""),
        ("/error", Outcome.SERVER_ERROR, 500, "/error", ""),
        ("/busy", Outcome.RATE_LIMITED, 429, "/busy", ""),
        ("/soft-404", Outcome.SOFT_404, 200, "/soft-404", ""),
        ("/soft-404-zh", Outcome.SOFT_404, 200, "/soft-404-zh", ""),
        ("/to-home", Outcome.SOFT_404, 200, "/", ""),
        ("/no-head", Outcome.OK, 200, "/no-head", ""),
        ("/head-404", Outcome.OK, 200, "/head-404", ""),
        ("/huge", Outcome.OK, 200, "/huge", ""),
        ("/doc.pdf", Outcome.OK, 200, "/doc.pdf", ""),
        ("/zh", Outcome.OK, 200, "/zh", ""),
    ],
)
def test_each_answer_is_classified(web, path, outcome, status, final, new):
    found = check(web.url(path))
    assert (found.outcome, found.status_code) == (outcome, status), found.detail
    assert found.final_url == web.url(final)
    assert found.new_url == (web.url(new) if new else "")


def test_redirects_are_recorded_hop_by_hop(web):
    found = check(web.url("/chain"))
    assert found.redirects == [
        [301, web.url("/chain-2")],
        [302, web.url("/chain-3")],
        [307, web.url("/ok")],
    ]
    loop = check(web.url("/loop-a"))
    assert [status for status, _url in loop.redirects] == [302, 302]


def test_a_server_refusing_head_is_asked_with_get(web):
    before = len(web.hits)
    found = check(web.url("/no-head"))
    assert found.method == "GET"
    methods = [(m, p) for _t, m, p, _ua in web.hits[before:] if p == "/no-head"]
    assert methods == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_huge_page_is_not_read_to_the_end(web):
    started = time.monotonic()
    found = check(web.url("/huge"))
    assert found.outcome == Outcome.OK
    assert time.monotonic() - started < 2


def test_a_slow_answer_times_out(web):
    started = time.monotonic()
    found = check(web.url("/slow"), TIMEOUT=0.5)
    assert found.outcome == Outcome.TIMEOUT, found.detail
    assert time.monotonic() - started < 2.5


def test_refused_connection_and_unknown_host():
    assert check(f"http://127.0.0.1:{free_port()}/").outcome == Outcome.REFUSED
    # RFC 6761: ".invalid" never resolves.
    assert check("http://no-such-host.invalid/page").outcome == Outcome.DNS


def test_a_self_signed_certificate_is_a_tls_error_unless_trusted(tls_web, certificate):
    refused = check(tls_web.url("/ok"))
    assert refused.outcome == Outcome.TLS, refused.detail
    trusted = check(tls_web.url("/ok"), CA_FILE=str(certificate.cert))
    assert (trusted.outcome, trusted.status_code) == (Outcome.OK, 200), trusted.detail


def test_robots_txt_is_honoured_and_the_agent_says_who_it_is(web):
    before = len(web.hits)
    forbidden = check(web.url("/private/page"))
    assert forbidden.outcome == Outcome.ROBOTS
    allowed = check(web.url("/ok"))
    assert allowed.outcome == Outcome.OK
    asked = web.hits[before:]
    assert "/private/page" not in [path for _t, _m, path, _ua in asked]
    assert "/robots.txt" in [path for _t, _m, path, _ua in asked]
    assert {ua for _t, _m, _p, ua in asked} == {USER_AGENT}


# Many sources, politely ----------------------------------------------------------------


@pytest.mark.django_db
def test_one_request_at_a_time_per_host_with_the_delay_between(web, make_source):
    sources = [make_source(url=web.url(f"/page/{n}")) for n in range(5)]
    before = len(web.hits)
    counts = checking.check_sources(
        Source.objects.filter(pk__in=[s.pk for s in sources]), concurrency=8, delay=0.3
    )
    assert counts == {Outcome.OK: 5}
    times = sorted(t for t, _m, path, _ua in web.hits[before:] if path.startswith("/page/"))
    # Each page is HEAD then GET in one turn; turns are at least the delay apart.
    turns = [times[n] for n in range(0, len(times), 2)]
    assert len(turns) == 5
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(turns))


@pytest.mark.django_db
def test_the_delay_holds_from_one_chunk_of_sources_to_the_next(web, make_source, monkeypatch):
    monkeypatch.setattr(checking, "CHUNK", 2)
    sources = [make_source(url=web.url(f"/page/{n}")) for n in range(6)]
    before = len(web.hits)
    checking.check_sources(Source.objects.filter(pk__in=[s.pk for s in sources]), delay=0.3)
    starts = sorted(t for t, m, path, _ua in web.hits[before:] if m == "HEAD")
    assert len(starts) == 6
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(starts))


@pytest.mark.django_db
def test_rate_limited_host_is_asked_again_after_retry_after(web, make_source):
    source = make_source(url=web.url("/busy"))
    before = len(web.hits)
    counts = checking.check_sources(Source.objects.filter(pk=source.pk))
    assert counts == {Outcome.RATE_LIMITED: 1}
    times = [t for t, _m, path, _ua in web.hits[before:] if path == "/busy"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95
    source.refresh_from_db()
    assert (source.link_status, source.link_failures) == (Source.LinkStatus.UNCHECKED, 0)
    assert source.link_checks.get().outcome == Outcome.RATE_LIMITED


@pytest.mark.django_db
def test_each_check_is_kept_and_the_source_moves_on(web, make_source):
    moved = make_source(url=web.url("/moved"))
    missing = make_source(url=web.url("/missing"))
    checking.check_sources(Source.objects.filter(pk__in=[moved.pk, missing.pk]))
    moved.refresh_from_db()
    missing.refresh_from_db()
    assert moved.link_status == Source.LinkStatus.REDIRECTED
    assert moved.suggested_url == web.url("/ok")
    assert moved.link_checks.get().redirects == [[301, web.url("/ok")]]
    # One failure is not a broken link.
    assert (missing.link_status, missing.link_failures) == (Source.LinkStatus.UNCHECKED, 1)
    record = missing.link_checks.get()
    assert (record.outcome, record.status_code, record.method) == (
        Outcome.CLIENT_ERROR,
        404,
        "GET",
    )
    assert missing.link_checked_at == record.checked_at


def failure(day, outcome=Outcome.TIMEOUT):
    at = timezone.make_aware(datetime.datetime(2026, 3, 1)) + datetime.timedelta(days=day)
    return Check(url="https://example.org/", outcome=outcome, checked_at=at)


def test_broken_only_after_failures_in_a_row_over_several_days():
    source = Source(url="https://example.org/", link_status=Source.LinkStatus.OK)
    next_state(source, failure(0))
    next_state(source, failure(0.1))
    next_state(source, failure(1))
    # Three failures, but within a day: still not broken.
    assert (source.link_status, source.link_failures) == (Source.LinkStatus.OK, 3)
    next_state(source, failure(2, Outcome.RATE_LIMITED))  # says nothing: the count stands
    assert source.link_failures == 3
    next_state(source, failure(3, Outcome.CLIENT_ERROR))
    assert source.link_status == Source.LinkStatus.BROKEN
    next_state(source, failure(4, Outcome.OK))
    assert (source.link_status, source.link_failures, source.link_failing_since) == (
        Source.LinkStatus.OK,
        0,
        None,
    )


@pytest.mark.django_db
def test_check_links_reports_progress_and_resumes_where_it_stopped(web, make_source):
    sources = [make_source(url=web.url(f"/page/r{n}")) for n in range(4)]
    sources.append(make_source(url=web.url("/gone")))
    make_source(url="")  # nothing to check
    out = io.StringIO()
    call_command("check_links", "--limit", "2", "--delay", "0", stdout=out)
    assert "2 source(s) to check" in out.getvalue()
    assert "2 checked" in out.getvalue()
    out = io.StringIO()
    call_command("check_links", "--delay", "0", stdout=out)
    text = out.getvalue()
    assert "3 source(s) to check" in text  # the two already checked are not taken again
    assert "http_4xx 1" in text and "ok 2" in text
    assert LinkCheck.objects.count() == 5
    out = io.StringIO()
    call_command("check_links", "--delay", "0", stdout=out)
    assert "0 source(s) to check" in out.getvalue()
    call_command("check_links", "--source", str(sources[0].pk), stdout=io.StringIO())
    assert sources[0].link_checks.count() == 2


@pytest.mark.django_db
def test_check_links_refuses_bad_arguments():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("check_links", "--limit", "0")
    with pytest.raises(CommandError):
        call_command("check_links", "--source", "999999")


# Our own copies ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_source_page_is_kept_as_a_warc_file(web, make_source):
    source = make_source(url=web.url("/moved"))
    counts = copies.archive_sources(Source.objects.filter(pk=source.pk))
    assert counts == {copies.Outcome.COPIED: 1}
    copy = ArchivedCopy.objects.get(source=source)
    assert (copy.url, copy.final_url, copy.status_code, copy.content_type) == (
        web.url("/moved"),
        web.url("/ok"),
        200,
        "text/html",
    )
    with copy.warc.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(stream)
        ]
    kinds = [kind for kind, _uri, _body in records]
    assert kinds == ["warcinfo", "response", "request"]
    assert records[1][1] == web.url("/ok")
    body = records[1][2]
    assert b"The treaty expired." in body
    assert copy.sha256 == hashlib.sha256(body).hexdigest() and copy.size == len(body)
    source.refresh_from_db()
    assert source.copied_at == copy.fetched_at
    # Once only: a second run takes nothing; a refresh of unchanged content keeps no copy.
    assert copies.archive_sources(copies.due()) == {}
    assert copies.archive_sources(copies.due(refresh=True)) == {copies.Outcome.UNCHANGED: 1}
    assert ArchivedCopy.objects.count() == 1


@pytest.mark.django_db
def test_a_refresh_keeps_a_new_copy_when_the_page_changed(web, make_source):
    source = make_source(url=web.url("/changing"))
    copies.archive_sources(Source.objects.filter(pk=source.pk))
    web.version += 1
    out = io.StringIO()
    call_command("archive_sources", "--refresh", "--source", str(source.pk), stdout=out)
    assert "copied" in out.getvalue()
    assert source.copies.count() == 2
    assert len(set(source.copies.values_list("sha256", flat=True))) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "outcome", "fields"),
    [
        ("/doc.pdf", copies.Outcome.COPIED, {}),
        ("/notes.txt", copies.Outcome.COPIED, {}),
        ("/huge", copies.Outcome.TOO_LARGE, {}),
        ("/image.png", copies.Outcome.CONTENT_TYPE, {}),
        ("/missing", copies.Outcome.HTTP_ERROR, {}),
        ("/private/page", copies.Outcome.ROBOTS, {}),
        ("/ok", copies.Outcome.OPTED_OUT, {"copies_allowed": False}),
    ],
)
def test_what_is_kept_and_what_is_not(web, make_source, path, outcome, fields):
    source = make_source(url=web.url(path), **fields)
    counts = copies.archive_sources(Source.objects.filter(pk=source.pk))
    assert counts == {outcome: 1}
    assert source.copies.exists() == (outcome == copies.Outcome.COPIED)


@pytest.mark.django_db
def test_due_leaves_out_opted_out_broken_and_copied_sources(make_source):
    wanted = make_source(url="https://example.org/a")
    make_source(url="https://example.org/b", copies_allowed=False)
    make_source(url="https://example.org/c", link_status=Source.LinkStatus.BROKEN)
    make_source(url="https://example.org/d", copied_at=timezone.now())
    make_source(url="")
    assert list(copies.due()) == [wanted]


# Reading a copy ------------------------------------------------------------------------


@pytest.fixture
def copied(web, make_quote, make_source):
    """A published statement whose source has a copy of the hostile page."""

    def make(path="/hostile", status="published"):
        web.beacon = web.url("/beacon")
        source = make_source(url=web.url(path), language="en")
        quote = make_quote(sources=[source], status=status)
        copies.archive_sources(Source.objects.filter(pk=source.pk))
        source.refresh_from_db()
        return quote, source, source.copies.get()

    return make


@pytest.mark.django_db
def test_the_archived_page_is_shown_inert_in_a_sandbox(copied):
    _quote, source, copy = copied()
    client = Client()
    page = client.get(f"/sources/{source.pk}/archived/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "the live page may differ" in html
    assert copy.sha256 in html
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in frame
    content = client.get(f"/sources/{source.pk}/archived/{copy.pk}/content/")
    assert content.status_code == 200
    policy = content["Content-Security-Policy"]
    assert policy.startswith("sandbox ") and "allow-scripts" not in policy
    assert "allow-same-origin" not in policy and "default-src 'none'" in policy
    assert content["X-Frame-Options"] == "SAMEORIGIN"
    assert not content.cookies
    served = content.content.decode()
    assert "The treaty's expiry is regrettable." in served
    for hostile in ("<script", "onerror", "onload", "http-equiv", "<form", "javascript:",
                    "<iframe", "<object", "<embed", "<img", "url(", "<base href"):  # fmt: skip
        assert hostile not in served.lower(), hostile
    warc = client.get(f"/sources/{source.pk}/archived/{copy.pk}.warc.gz")
    assert warc.status_code == 200 and warc["Content-Type"] == "application/warc"
    assert b"".join(warc.streaming_content) == copy.warc.open("rb").read()


@pytest.mark.django_db
def test_a_pdf_copy_is_offered_as_a_download_and_text_as_text(copied):
    _quote, source, copy = copied("/doc.pdf")
    client = Client()
    assert "Download the archived PDF" in client.get(f"/sources/{source.pk}/archived/").text
    pdf = client.get(f"/sources/{source.pk}/archived/{copy.pk}/content/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["Content-Security-Policy"].startswith("sandbox")
    _quote, source, copy = copied("/notes.txt")
    text = client.get(f"/sources/{source.pk}/archived/{copy.pk}/content/")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert "Plain words: 条约." in text.content.decode()


@pytest.mark.django_db
def test_copies_of_unpublished_sources_and_unknown_copies_are_404(copied):
    _quote, source, copy = copied(status="draft")
    client = Client()
    for path in (
        f"/sources/{source.pk}/archived/",
        f"/sources/{source.pk}/archived/{copy.pk}/content/",
        f"/sources/{source.pk}/archived/{copy.pk}.warc.gz",
    ):
        assert client.get(path).status_code == 404, path
    _quote, public, public_copy = copied()
    assert client.get(f"/sources/{public.pk}/archived/?copy=x").status_code == 404
    assert client.get(f"/sources/{public.pk}/archived/?copy={copy.pk}").status_code == 404
    # A copy is reached only through its own source.
    assert client.get(f"/sources/{public.pk}/archived/{copy.pk}/content/").status_code == 404
    assert client.get(f"/sources/{source.pk}/archived/{public_copy.pk}/content/").status_code == 404


@pytest.mark.django_db
def test_statement_pages_show_live_link_and_copy_and_the_copy_first_when_broken(copied):
    quote, source, _copy = copied("/ok")
    Source.objects.filter(pk=source.pk).update(link_checked_at=timezone.now())
    generation.bump()
    client = Client()
    for path in (quote.get_absolute_url(), "/quotes/", source.get_absolute_url()):
        html = client.get(path).content.decode()
        links = html[html.index('class="source-links"') :]
        assert links.index("live link") < links.index("archived copy"), path
        assert f"checked {timezone.now():%Y-%m-%d}" in links
        assert f'href="/sources/{source.pk}/archived/"' in links
    Source.objects.filter(pk=source.pk).update(link_status=Source.LinkStatus.BROKEN)
    generation.bump()  # as checking.record() does after writing
    for path in (quote.get_absolute_url(), "/quotes/", source.get_absolute_url()):
        html = client.get(path).content.decode()
        links = html[html.index('class="source-links"') :]
        assert links.index("archived copy") < links.index("live link"), path
        assert "original link broken: read the archived copy" in links


def test_the_sanitiser_decodes_chinese_pages():
    body = (
        "<html><head><meta charset='gb18030'><title>条约</title></head>"
        "<body><p>条约到期。</p></body></html>"
    )
    html = replay.safe_html(body.encode("gb18030"))
    assert "<p>条约到期。</p>" in html and "<title>条约</title>" in html


# Only web addresses, anywhere ----------------------------------------------------------

UNSAFE = [
    "javascript:alert(document.domain)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
    "//evil.example/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", UNSAFE)
def test_the_tables_refuse_addresses_that_are_not_web_addresses(make_source, value):
    source = make_source(url="https://example.org/")
    for field in ("url", "archived_url"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Source.objects.filter(pk=source.pk).update(**{field: value})
    source.url = value
    with pytest.raises(ValidationError):
        source.save()
    with pytest.raises(ValidationError):
        source.full_clean()


@pytest.fixture
def unguarded(db):
    """The check constraints lifted for one test, as if the rows came from a database
    older than them (dropped inside the test's transaction on PostgreSQL)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        yield
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        with connection.cursor() as cursor:
            for table, name in (
                ("commentary_source", "source_url_web"),
                ("commentary_source", "source_archived_url_web"),
                ("commentary_outlet", "outlet_homepage_web"),
                ("commentary_organization", "organization_website_web"),
            ):
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        yield


@pytest.mark.django_db
def test_a_stored_javascript_address_is_never_rendered_as_a_link(
    unguarded, make_quote, make_source, make_collection
):
    source = make_source(url="https://example.org/")
    quote = make_quote(sources=[source])
    collection = make_collection([quote])
    collection.source = source
    collection.save()
    Source.objects.filter(pk=source.pk).update(
        url="javascript:alert(1)", archived_url="data:text/html,<script>alert(1)</script>"
    )
    speaker = quote.speakers.get()
    outlet = source.outlet
    type(outlet).objects.filter(pk=outlet.pk).update(homepage="javascript:alert(2)")
    organization = speaker.affiliation.organization
    type(organization).objects.filter(pk=organization.pk).update(website="javascript:alert(3)")
    client = Client()
    pages = [
        "/",
        "/quotes/",
        quote.get_absolute_url(),
        source.get_absolute_url(),
        outlet.get_absolute_url(),
        organization.get_absolute_url(),
        speaker.expert.get_absolute_url(),
        collection.get_absolute_url(),
        "/quotes/feed/",
        f"{quote.get_absolute_url()}cite.json",
        f"{quote.get_absolute_url()}cite.ris",
        f"{quote.get_absolute_url()}cite.bib",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode().lower()
        assert "javascript:" not in text and "data:text/html" not in text, path


@pytest.mark.django_db
def test_the_migration_blanks_unsafe_addresses_and_keeps_them_in_the_notes(unguarded, make_source):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("commentary.migrations.0012_blank_unsafe_addresses")
    safe = make_source(url="https://example.org/a")
    unsafe = make_source(url="https://example.org/b")
    Source.objects.filter(pk=unsafe.pk).update(url="javascript:alert(1)")
    migration.blank_unsafe_addresses(apps, None)
    safe.refresh_from_db()
    unsafe.refresh_from_db()
    assert safe.url == "https://example.org/a"
    assert unsafe.url == "" and "javascript:alert(1)" in unsafe.notes
