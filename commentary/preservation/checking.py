"""Checking sources' links (``manage.py check_links``, the admin's "check now").

``check_url`` asks a source's address (``HEAD``, then ``GET`` when the server refuses
``HEAD`` or answers a page whose words must be read), follows redirects hop by hop and
names the outcome: one of ``LinkCheck.Outcome``. ``check_sources`` runs it over many
sources, politely (``fetching.Hosts``), and ``record`` writes each check down and moves
the source's link status on:

- reachable, or a temporary redirect to a reachable page: ``ok``;
- a permanent redirect (301, 308) to a reachable page: ``redirected``, the new address
  offered to editors (``Source.suggested_url``);
- a failure (no such host, refused, timed out, TLS, 4xx, 5xx, too many redirects, a page
  that says "not found" or a redirect to the site's home page): counted, and the link is
  ``broken`` only after ``BROKEN_AFTER_FAILURES`` failures in a row spread over at least
  ``BROKEN_AFTER_DAYS`` days (one timeout says little about a link);
- rate limited (429) or forbidden by ``robots.txt``: neither; the count stands.

A run resumes where an interrupted one stopped: each batch of checks is written as it
comes, and a run takes the sources not checked for ``--stale-days`` (never-checked first).
"""

import re
import ssl
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..caching import generation
from ..links import is_web_url
from ..models import LinkCheck, Source
from .fetching import Deadline, Fetcher, Hosts, Turn, host_of

Outcome = LinkCheck.Outcome
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
# How much of a page is read to see whether it says "not found".
PAGE_BYTES = 64 * 1024
BATCH = 200
CHUNK = 5000
# Words a "not found" page puts in its title or first heading, in the archive's languages.
NOT_FOUND = re.compile(
    r"\b404\b|not\s+found|no\s+longer\s+(?:available|exists)|page\s+(?:does\s+not|doesn't)"
    r"\s+exist|页面不存在|找不到|未找到|网页不存在|頁面不存在|找不到網頁|страница не найдена",
    re.IGNORECASE,
)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]+>")


@dataclass
class Check:
    """One check's findings, before they are written down as a ``LinkCheck``."""

    url: str
    outcome: str = Outcome.ERROR
    status_code: int | None = None
    final_url: str = ""
    redirects: list = field(default_factory=list)
    method: str = ""
    duration_ms: int = 0
    detail: str = ""
    new_url: str = ""  # where a permanent redirect leads, offered to editors
    wait: float = 0.0  # seconds the host asked to be left alone (Retry-After)
    checked_at: object = None
    source_id: int | None = None

    @property
    def failed(self):
        return self.outcome not in LinkCheck.SUCCESSES + LinkCheck.INCONCLUSIVE


def classify_error(error):
    """The outcome and a short detail for an exchange that failed before an answer."""
    if isinstance(error, urllib3.exceptions.MaxRetryError) and error.reason:
        error = error.reason
    reason = getattr(error, "reason", None) or error
    if isinstance(error, urllib3.exceptions.NameResolutionError):
        return Outcome.DNS, "the host name does not resolve"
    if isinstance(error, urllib3.exceptions.SSLError) or isinstance(reason, ssl.SSLError):
        return Outcome.TLS, _short(error)
    # Before the timeouts: urllib3's NewConnectionError is a kind of ConnectTimeoutError.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        if isinstance(error.__cause__ or error.__context__, ConnectionRefusedError) or (
            "refused" in str(error).lower()
        ):
            return Outcome.REFUSED, "connection refused"
        if "timed out" in str(error).lower():
            return Outcome.TIMEOUT, _short(error)
        return Outcome.ERROR, _short(error)
    if isinstance(error, Deadline | urllib3.exceptions.TimeoutError | TimeoutError):
        return Outcome.TIMEOUT, _short(error)
    if isinstance(error, ConnectionRefusedError):
        return Outcome.REFUSED, "connection refused"
    return Outcome.ERROR, _short(error)


def _short(error):
    return f"{type(error).__name__}: {error}"[:300]


def retry_after(value, limit):
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date), at most ``limit``."""
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - timezone.now()).total_seconds()
        except (TypeError, ValueError):
            return 0.0
    return max(0.0, min(seconds, limit))


def says_not_found(body, charset):
    """Whether a page's title or first heading says it was not found."""
    try:
        text = body.decode(charset or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        text = body.decode("utf-8", "replace")
    for pattern in (TITLE, HEADING):
        found = pattern.search(text)
        if found and NOT_FOUND.search(TAG.sub(" ", found.group(1))):
            return True
    return False


def is_home(url):
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def check_url(fetcher, url):
    """Check one address (robots.txt first); never raises."""
    check = Check(url=url)
    started = time.monotonic()
    try:
        if not fetcher.allowed(url):
            check.outcome, check.detail = Outcome.ROBOTS, "robots.txt forbids this address"
            return check
        _follow(fetcher, check)
    except Exception as error:
        check.outcome, check.detail = classify_error(error)
    finally:
        check.duration_ms = int((time.monotonic() - started) * 1000)
    return check


def _follow(fetcher, check):
    config = fetcher.config
    current, seen, permanent_run = check.url, {check.url}, True
    while True:
        response = fetcher.request("HEAD", current)
        if response.status >= 400 and response.status != 429:
            # A server that refuses HEAD (405, 501, or anything else): ask again with GET.
            response = fetcher.request("GET", current, read=PAGE_BYTES)
        check.status_code, check.method = response.status, response.method
        location = response.header("location")
        if response.status in REDIRECTS and location:
            following = urljoin(current, location)
            check.redirects.append([response.status, following])
            permanent_run = permanent_run and response.status in PERMANENT
            if permanent_run:
                check.new_url = following
            if following in seen or len(check.redirects) > config["MAX_REDIRECTS"]:
                check.outcome = Outcome.REDIRECT_LOOP
                check.detail = f"{len(check.redirects)} redirects, then back to an address seen"
                check.final_url = following
                check.new_url = ""
                return
            if not is_web_url(following):
                check.outcome, check.detail = Outcome.ERROR, "redirects to a non-web address"
                check.new_url = ""
                return
            seen.add(following)
            current = following
            continue
        break
    check.final_url = current
    status = response.status
    if status == 429:
        check.outcome = Outcome.RATE_LIMITED
        check.wait = retry_after(response.header("retry-after"), config["RETRY_AFTER_LIMIT"])
        check.detail = f"Retry-After: {response.header('retry-after') or '-'}"
    elif 200 <= status < 300:
        _judge_page(fetcher, check, response)
    elif 400 <= status < 500:
        check.outcome, check.detail = Outcome.CLIENT_ERROR, f"{status} {response.reason}"
    elif status >= 500:
        check.outcome, check.detail = Outcome.SERVER_ERROR, f"{status} {response.reason}"
    else:
        check.outcome, check.detail = Outcome.ERROR, f"{status} {response.reason}"
    if check.outcome != Outcome.REDIRECTED:
        check.new_url = ""


def _judge_page(fetcher, check, response):
    """A 2xx answer: reachable, unless it is a "not found" page in disguise."""
    html = response.content_type in ("text/html", "application/xhtml+xml", "")
    if check.redirects and is_home(check.final_url) and not is_home(check.url):
        check.outcome, check.detail = Outcome.SOFT_404, "redirects to the site's home page"
        check.new_url = ""
        return
    if html:
        if response.method == "HEAD":
            response = fetcher.request("GET", check.final_url, read=PAGE_BYTES)
            check.method = "GET"
            if not 200 <= response.status < 300:
                check.status_code = response.status
                check.outcome = (
                    Outcome.SERVER_ERROR if response.status >= 500 else Outcome.CLIENT_ERROR
                )
                check.detail = f"HEAD answered 2xx, GET {response.status}"
                check.new_url = ""
                return
        if says_not_found(response.body, response.charset):
            check.outcome, check.detail = Outcome.SOFT_404, "the page says it was not found"
            check.new_url = ""
            return
    if check.new_url:
        check.outcome = Outcome.REDIRECTED
        check.detail = f"moved permanently to {check.new_url}"[:300]
    else:
        check.outcome = Outcome.OK


# Running over many sources ---------------------------------------------------------------


def due(stale_days=None, started=None):
    """Sources with a web address not checked for ``stale_days`` (never checked first),
    as of ``started`` (a run does not take again what it has just checked)."""
    stale_days = settings.LINK_CHECK["STALE_DAYS"] if stale_days is None else stale_days
    cutoff = min(timezone.now() - timedelta(days=stale_days), started or timezone.now())
    return (
        Source.objects.exclude(url="")
        .filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
        .order_by(F("link_checked_at").asc(nulls_first=True), "pk")
    )


STATE_FIELDS = [
    "pk",
    "url",
    "link_status",
    "link_checked_at",
    "link_failures",
    "link_failing_since",
    "suggested_url",
]


def check_sources(sources, *, concurrency=None, delay=None, config=None, progress=None):
    """Check ``sources`` (a queryset, or an iterable of ``Source``) and record every check;
    ``progress(done, counts)`` is called after each batch. Returns ``{outcome: count}``.

    Querysets are read ``CHUNK`` rows at a time, so memory stays flat however many
    sources there are; a host's sources in one chunk share its politeness queue."""
    fetcher = Fetcher(config)
    concurrency = concurrency or fetcher.config["CONCURRENCY"]
    delay = fetcher.config["HOST_DELAY"] if delay is None else delay

    def work(source):
        check = check_url(fetcher, source.url)
        check.source_id = source.pk
        check.checked_at = timezone.now()
        if check.outcome == Outcome.RATE_LIMITED and not getattr(source, "_retried", False):
            source._retried = True  # once more, after the wait the host asked for
            return Turn(result=None, wait=check.wait, again=source)
        return Turn(result=(source, check), wait=check.wait)

    counts, done, batch = {}, 0, []
    hosts = Hosts(work, concurrency, delay)
    for chunk in chunks(sources):
        pairs = [(host_of(source.url), source) for source in chunk if is_web_url(source.url)]
        for source, check in hosts.run(pairs):
            batch.append((source, check))
            counts[check.outcome] = counts.get(check.outcome, 0) + 1
            done += 1
            if len(batch) >= BATCH:
                record(batch)
                batch = []
                if progress:
                    progress(done, counts)
        if batch:
            record(batch)
            batch = []
            if progress:
                progress(done, counts)
    return counts


def chunks(sources, fields=None):
    """``sources`` ``CHUNK`` rows at a time: a list at once; a sliced queryset (``--limit``)
    by its primary keys; any other queryset by keyset on the primary key (rows a chunk's
    checks take out of a "due" queryset do not shift the next chunk)."""
    if not hasattr(sources, "only"):
        yield list(sources)
        return
    if sources.query.is_sliced:
        pks = list(sources.values_list("pk", flat=True))
        for start in range(0, len(pks), CHUNK):
            part = pks[start : start + CHUNK]
            yield list(
                Source.objects.filter(pk__in=part).only(*(fields or STATE_FIELDS)).order_by("pk")
            )
        return
    last = 0
    while True:
        chunk = list(
            sources.filter(pk__gt=last).only(*(fields or STATE_FIELDS)).order_by("pk")[:CHUNK]
        )
        if not chunk:
            return
        last = chunk[-1].pk
        yield chunk


def next_state(source, check, config=None):
    """Move ``source``'s link fields on after ``check`` (not saved)."""
    config = {**settings.LINK_CHECK, **(config or {})}
    source.link_checked_at = check.checked_at
    if check.outcome in LinkCheck.SUCCESSES:
        source.link_failures, source.link_failing_since = 0, None
        redirected = check.outcome == Outcome.REDIRECTED
        source.link_status = Source.LinkStatus.REDIRECTED if redirected else Source.LinkStatus.OK
        source.suggested_url = check.new_url if redirected else ""
    elif check.failed:
        source.link_failures += 1
        source.link_failing_since = source.link_failing_since or check.checked_at
        spread = check.checked_at - source.link_failing_since
        if source.link_failures >= config["BROKEN_AFTER_FAILURES"] and spread >= timedelta(
            days=config["BROKEN_AFTER_DAYS"]
        ):
            source.link_status = Source.LinkStatus.BROKEN
            source.suggested_url = ""
    return source


RECORDED = [
    "link_checked_at",
    "link_status",
    "link_failures",
    "link_failing_since",
    "suggested_url",
]


def record(pairs):
    """Write ``[(source, check)]`` down: the checks, and each source's link fields (not a
    save: an editor's open form of the source stays valid, and no revision is made)."""
    with transaction.atomic():
        LinkCheck.objects.bulk_create(
            LinkCheck(
                source_id=check.source_id,
                url=check.url[:1000],
                checked_at=check.checked_at,
                outcome=check.outcome,
                status_code=check.status_code,
                final_url=check.final_url[:1000],
                redirects=check.redirects,
                method=check.method,
                duration_ms=check.duration_ms,
                detail=check.detail[:300],
            )
            for _source, check in pairs
        )
        sources = [next_state(source, check) for source, check in pairs]
        for source in sources:
            if len(source.suggested_url) > 1000 or not is_web_url(source.suggested_url):
                source.suggested_url = ""
        Source.objects.bulk_update(sources, RECORDED)
    generation.bump()  # pages that show when a link was checked are out of date
