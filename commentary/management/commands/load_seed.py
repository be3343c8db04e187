"""Load the reference data and the seed collection, in dependency order.

Loading is idempotent: the fixtures carry fixed primary keys and timestamps, so a second
load rewrites the same rows with the same values. Seeded rows are reset to the fixtures;
use --if-empty to leave an archive that already holds the seed alone.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from commentary.editorial import history
from commentary.models import Collection, Quote

SEED_FIXTURES = [
    "countries",
    "seed_000_new_start_roundup",
    "seed_004_commentary_summary",
]
SEED_SLUGS = ["is-there-life-after-new-start", "commentary-summary-end-of-new-start"]


class Command(BaseCommand):
    help = "Load countries and the seed collection (New START round-up and commentary)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the seed collections are already in the database.",
        )

    def handle(self, *args, if_empty=False, verbosity=1, **options):
        if if_empty and Collection.objects.filter(slug__in=SEED_SLUGS).count() == len(SEED_SLUGS):
            if verbosity:
                self.stdout.write("Seed collection already loaded; nothing to do.")
            return
        with transaction.atomic(), history.recorded("manage.py load_seed"):
            for fixture in SEED_FIXTURES:
                call_command("loaddata", fixture, verbosity=verbosity)
            # Nothing incomplete is published, by an import either: roll it all back.
            incomplete = list(Quote.objects.published().incomplete().values_list("pk", flat=True))
            if incomplete:
                raise CommandError(
                    "The seed would publish statements without a speaker or a source: "
                    f"{incomplete[:20]}; nothing was loaded."
                )
