"""``manage.py archive_sources``: keep the archive's own WARC copy of each source page."""

import time

from django.core.management.base import BaseCommand, CommandError

from commentary.models import Source
from commentary.preservation import copies


class Command(BaseCommand):
    help = (
        "Fetch each source page the archive has no copy of yet (HTML, PDF, plain text; "
        "copies allowed; link not broken) and store it as a WARC file in "
        "STORAGES['archive']. --refresh fetches again and keeps a copy only if it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, action="append", default=[], metavar="ID",
                            help="Copy this source (repeatable).")  # fmt: skip
        parser.add_argument("--refresh", action="store_true",
                            help="Fetch sources already copied again.")  # fmt: skip
        parser.add_argument("--limit", type=int, default=None, metavar="N")
        parser.add_argument("--concurrency", type=int, default=None, metavar="N")
        parser.add_argument("--delay", type=float, default=None, metavar="SECONDS")

    def handle(self, *args, source, refresh, limit, concurrency, delay, **options):
        if (limit is not None and limit < 1) or (concurrency is not None and concurrency < 1):
            raise CommandError("--limit and --concurrency must be at least 1")
        if delay is not None and delay < 0:
            raise CommandError("--delay cannot be negative")
        if source:
            sources = Source.objects.filter(pk__in=source).order_by("pk")
            missing = set(source) - set(sources.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no such source: {', '.join(map(str, sorted(missing)))}")
        else:
            sources = copies.due(refresh=refresh)
        if limit:
            sources = sources[:limit]
        total = sources.count()
        self.stdout.write(f"{total} source(s) to copy")
        started = time.monotonic()

        def progress(done, counts, result):
            detail = f" ({result.detail})" if result.detail else ""
            self.stdout.write(
                f"[{done}/{total}] source {result.source_id}: {result.outcome}{detail}"
            )

        counts = copies.archive_sources(
            sources, concurrency=concurrency, delay=delay, progress=progress
        )
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        self.stdout.write(
            self.style.SUCCESS(f"done in {time.monotonic() - started:.1f} s")
            + (f": {summary}" if summary else "")
        )
