"""The archive's own copies of its sources (``manage.py archive_sources``, "archive now").

A copy is the page as the server sent it, one WARC file per fetch (the format web
archives use, written by ``warcio``): a ``warcinfo`` record, the ``request`` and the
``response`` with its HTTP headers, dated, with the block and payload digests WARC
readers check. The ``ArchivedCopy`` row beside it holds what pages need without opening
the file: when, from where, the content type, the size and a SHA-256 of the content. A
source is copied once; ``--refresh`` fetches it again and keeps a new copy only when the
content changed. Only HTML, PDF and plain text are kept, up to ``COPY_MAX_BYTES``; a
source whose terms forbid copies (``Source.copies_allowed`` unticked) is left alone, and
so is whatever ``robots.txt`` forbids.
"""

import hashlib
import io
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..caching import generation
from ..links import is_web_url
from ..models import ArchivedCopy, Source
from .checking import REDIRECTS, chunks, classify_error
from .fetching import Fetcher, Hosts, Turn, host_of

# Hop-by-hop and encoding headers that no longer describe the stored body.
DROPPED_HEADERS = {"transfer-encoding", "content-encoding", "content-length", "connection"}


class Outcome:
    COPIED = "copied"
    UNCHANGED = "unchanged"
    OPTED_OUT = "opted out"
    NO_ADDRESS = "no web address"
    ROBOTS = "robots.txt forbids"
    UNREACHABLE = "unreachable"
    HTTP_ERROR = "HTTP error"
    CONTENT_TYPE = "content type not kept"
    TOO_LARGE = "too large"


@dataclass
class Copying:
    source_id: int
    outcome: str
    detail: str = ""
    copy: ArchivedCopy | None = None


def due(refresh=False):
    """Sources to copy: those with a web address, copies allowed and a link not broken,
    never copied (or, with ``refresh``, all of them)."""
    sources = Source.objects.exclude(url="").filter(copies_allowed=True)
    sources = sources.exclude(link_status=Source.LinkStatus.BROKEN)
    if not refresh:
        sources = sources.filter(copied_at__isnull=True)
    return sources.order_by("pk")


def fetch_page(fetcher, url):
    """GET ``url`` following redirects; ``(response, final_url)``. Raises on failure."""
    current = url
    for _hop in range(fetcher.config["MAX_REDIRECTS"] + 1):
        response = fetcher.request("GET", current, read=fetcher.config["COPY_MAX_BYTES"])
        location = response.header("location")
        if response.status in REDIRECTS and location:
            current = urljoin(current, location)
            if not is_web_url(current):
                break
            continue
        return response, current
    raise ValueError("too many redirects")


def copy_source(fetcher, source):
    """Fetch ``source`` and prepare its copy (not yet saved): a ``Copying``."""
    result = Copying(source.pk, Outcome.COPIED)
    if not source.copies_allowed:
        result.outcome = Outcome.OPTED_OUT
        return result
    if not is_web_url(source.url):
        result.outcome = Outcome.NO_ADDRESS
        return result
    try:
        if not fetcher.allowed(source.url):
            result.outcome = Outcome.ROBOTS
            return result
        response, final_url = fetch_page(fetcher, source.url)
    except Exception as error:
        result.outcome = Outcome.UNREACHABLE
        result.detail = "{}: {}".format(*classify_error(error))
        return result
    kept = fetcher.config["COPY_CONTENT_TYPES"]
    if response.status != 200:
        result.outcome, result.detail = Outcome.HTTP_ERROR, f"{response.status}"
    elif response.content_type not in kept:
        result.outcome, result.detail = Outcome.CONTENT_TYPE, response.content_type or "none"
    elif response.truncated:
        result.outcome = Outcome.TOO_LARGE
        result.detail = f"more than {fetcher.config['COPY_MAX_BYTES']} bytes"
    else:
        result.copy = _prepared_copy(source, response, final_url)
    return result


def _prepared_copy(source, response, final_url):
    fetched_at = timezone.now()
    digest = hashlib.sha256(response.body).hexdigest()
    copy = ArchivedCopy(
        source_id=source.pk,
        url=source.url[:1000],
        final_url=final_url[:1000],
        fetched_at=fetched_at,
        status_code=response.status,
        content_type=response.content_type[:100],
        size=len(response.body),
        sha256=digest,
    )
    copy._warc = warc_bytes(final_url, response, fetched_at)
    return copy


def warc_bytes(url, response, fetched_at):
    """One gzipped WARC file: warcinfo, request, response."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    date = fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    writer.write_record(
        writer.create_warcinfo_record(
            "copy.warc.gz",
            {"software": "Commentary Archive (warcio)", "format": "WARC File Format 1.1"},
        )
    )
    headers = [(k, v) for k, v in response.headers if k.lower() not in DROPPED_HEADERS]
    headers.append(("Content-Length", str(len(response.body))))
    http_headers = StatusAndHeaders(
        f"{response.status} {response.reason}".strip(), headers, protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(response.body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date},
    )
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(
            f"GET {url} HTTP/1.1",
            [("User-Agent", settings.LINK_CHECK["USER_AGENT"])],
            is_http_request=True,
        ),
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_request_response_pair(request, record)
    return out.getvalue()


def store(result):
    """Save a prepared copy (the WARC file, then its row), unless the source's newest copy
    already holds the same content: then ``UNCHANGED``."""
    copy = result.copy
    latest = ArchivedCopy.objects.filter(source_id=copy.source_id).order_by("-fetched_at").first()
    if latest and latest.sha256 == copy.sha256:
        result.outcome, result.copy = Outcome.UNCHANGED, latest
        return result
    name = f"{copy.source_id}-{copy.fetched_at:%Y%m%dT%H%M%S}-{copy.sha256[:12]}.warc.gz"
    copy.warc.save(name, ContentFile(copy._warc), save=False)
    with transaction.atomic():
        copy.save()
        Source.objects.filter(pk=copy.source_id).update(copied_at=copy.fetched_at)
    return result


def archive_sources(sources, *, concurrency=None, delay=None, config=None, progress=None):
    """Copy ``sources`` politely; ``{outcome: count}``. ``progress(done, counts)`` after each."""
    fetcher = Fetcher(config)
    concurrency = concurrency or fetcher.config["CONCURRENCY"]
    delay = fetcher.config["HOST_DELAY"] if delay is None else delay
    counts, done = {}, 0
    run = Hosts(lambda source: Turn(result=copy_source(fetcher, source)), concurrency, delay)
    for chunk in chunks(sources, ["pk", "url", "copies_allowed"]):
        for result in run.run((host_of(source.url), source) for source in chunk):
            if result.copy is not None:
                store(result)
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
            done += 1
            if progress:
                progress(done, counts, result)
    if counts.get(Outcome.COPIED):
        generation.bump()
    return counts


def read_payload(copy):
    """The stored body of ``copy`` and its HTTP headers: ``(bytes, StatusAndHeaders)``."""
    with copy.warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                return record.content_stream().read(), record.http_headers
    raise ValueError(f"{copy.warc.name} holds no response record")
