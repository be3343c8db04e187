"""Rebuild the stored counts, or check them against live counts (``--check``)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from commentary.caching import generation
from commentary.counting import stored


class Command(BaseCommand):
    help = (
        "Recount the statements of every expert, country, topic, collection and source, "
        "the experts of every country and the archive's totals. With --check, change "
        "nothing: list the stored counts that differ from a live count (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Report differences instead of fixing them."
        )

    def handle(self, *args, check=False, verbosity=1, **options):
        start = time.perf_counter()
        if check:
            differences = stored.differences()
            for label, pk, stored_value, live in differences[:100]:
                self.stdout.write(f"{label} {pk}: stored {stored_value}, live {live}")
            if differences:
                raise CommandError(f"{len(differences)} stored counts differ from live counts.")
            if verbosity:
                self.stdout.write(f"All stored counts agree ({time.perf_counter() - start:.1f} s).")
            return
        with transaction.atomic():
            stored.recount_everything()
        generation.bump()  # pages show the counts: none cached before may be served
        if verbosity:
            self.stdout.write(f"Recounted in {time.perf_counter() - start:.1f} s.")
