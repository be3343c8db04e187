"""``manage.py rebuild_search_index``: recompute every statement's search documents."""

import time

from django.core.management.base import BaseCommand

from commentary.caching import generation
from commentary.search import index as search_index


class Command(BaseCommand):
    help = (
        "Recompute the search documents of every statement and have the database re-read "
        "them. Saves through Django keep the index current; use this after changing rows "
        "with raw SQL or bulk updates, or after changing how documents are built."
    )

    def handle(self, **options):
        started = time.monotonic()

        def progress(done, total):
            self.stdout.write(f"{done}/{total} statements")

        count = search_index.rebuild(progress=progress if options["verbosity"] > 1 else None)
        search_index.optimise()
        generation.bump()  # searches may find other rows now
        elapsed = time.monotonic() - started
        self.stdout.write(f"Rebuilt the search index of {count} statements in {elapsed:.1f} s.")
