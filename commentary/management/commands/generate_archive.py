"""``manage.py generate_archive --quotes N --experts M --seed S``: a synthetic archive."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from reversion.models import Revision

from commentary.caching import generation
from commentary.management.generator import Generator


class Command(BaseCommand):
    help = (
        "Add a deterministic synthetic archive (bilingual statements, experts, sources, "
        "collections) for benchmarks. The same seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quotes", type=int, default=10_000, help="number of statements")
        parser.add_argument("--experts", type=int, default=1_000, help="number of experts")
        parser.add_argument("--seed", type=int, default=1, help="random seed")

    def handle(self, quotes, experts, seed, **options):
        if quotes < 1 or experts < 1:
            raise CommandError("--quotes and --experts must be at least 1.")
        started = time.monotonic()
        Generator(quotes, experts, seed, stdout=self.stdout).run()
        generation.bump()  # written by COPY, beneath the signals that move it on
        elapsed = time.monotonic() - started
        # The rows are written by COPY, beneath the ORM: the history records the run as one
        # revision (no per-row versions: synthetic benchmark data is not edited back).
        Revision.objects.create(
            date_created=timezone.now(),
            comment=f"manage.py generate_archive: {quotes} synthetic statements, "
            f"{experts} experts, seed {seed} (rows not versioned one by one)",
        )
        self.stdout.write(
            f"Generated {quotes} statements and {experts} experts in {elapsed:.0f} s."
        )
