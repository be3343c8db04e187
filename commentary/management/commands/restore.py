"""``manage.py restore PATH``: replace the database with a backup
(commentary/service/backup.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from commentary.caching import generation
from commentary.service import backup


class Command(BaseCommand):
    help = (
        "Replace every row of the archive's database with the backup at PATH (written by "
        "`manage.py backup`). On PostgreSQL the restore is one transaction: an error "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path, interactive=True, verbosity=1, **options):
        if interactive:
            answer = input(
                f"This replaces everything in the database with {path}. Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        began = time.perf_counter()
        try:
            backup.restore(path)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        generation.bump()  # no page cached from the database before may be served
        if verbosity:
            self.stdout.write(f"Restored {path} in {time.perf_counter() - began:.1f} s.")
