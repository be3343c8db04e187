"""``manage.py check_links``: check sources' addresses politely and keep each check."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commentary.models import Source
from commentary.preservation import checking


class Command(BaseCommand):
    help = (
        "Check the sources' links (never-checked and longest-unchecked first), one request "
        "at a time per host, robots.txt honoured; each check is kept. Safe to interrupt: "
        "the next run takes up where this one stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=int, action="append", default=[], metavar="ID",
            help="Check this source now, however recently it was checked (repeatable).",
        )  # fmt: skip
        parser.add_argument(
            "--stale-days", type=float, default=None, metavar="N",
            help="Check links not checked for N days (default: LINK_CHECK['STALE_DAYS']).",
        )  # fmt: skip
        parser.add_argument("--limit", type=int, default=None, metavar="N",
                            help="Check at most N sources.")  # fmt: skip
        parser.add_argument(
            "--concurrency", type=int, default=None, metavar="N",
            help="Hosts checked at the same time (default: LINK_CHECK['CONCURRENCY']).",
        )  # fmt: skip
        parser.add_argument(
            "--delay", type=float, default=None, metavar="SECONDS",
            help="Seconds between two requests to one host (default: LINK_CHECK['HOST_DELAY']).",
        )  # fmt: skip

    def handle(self, *args, source, stale_days, limit, concurrency, delay, **options):
        for name, value in (("--limit", limit), ("--concurrency", concurrency)):
            if value is not None and value < 1:
                raise CommandError(f"{name} must be at least 1")
        if (stale_days is not None and stale_days < 0) or (delay is not None and delay < 0):
            raise CommandError("--stale-days and --delay cannot be negative")
        if source:
            sources = Source.objects.filter(pk__in=source).exclude(url="").order_by("pk")
            missing = set(source) - set(sources.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no source with a URL: {', '.join(map(str, sorted(missing)))}")
        else:
            sources = checking.due(stale_days, started=timezone.now())
        if limit:
            sources = sources[:limit]
        total = sources.count()
        self.stdout.write(f"{total} source(s) to check")
        started = time.monotonic()
        last = [0.0]

        def progress(done, counts):
            now = time.monotonic()
            if now - last[0] >= 5 or done == total:
                last[0] = now
                self.stdout.write(f"checked {done} of {total}: {summary(counts)}")

        counts = checking.check_sources(
            sources, concurrency=concurrency, delay=delay, progress=progress
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{sum(counts.values())} checked in {elapsed:.1f} s")
            + (f": {summary(counts)}" if counts else "")
        )
        broken = Source.objects.filter(link_status=Source.LinkStatus.BROKEN).count()
        moved = Source.objects.filter(link_status=Source.LinkStatus.REDIRECTED).count()
        self.stdout.write(f"now broken: {broken}; moved permanently (new address offered): {moved}")


def summary(counts):
    return ", ".join(f"{outcome} {count}" for outcome, count in sorted(counts.items()))
