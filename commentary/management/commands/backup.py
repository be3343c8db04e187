"""``manage.py backup PATH``: a backup of the database (commentary/service/backup.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from commentary.service import backup


class Command(BaseCommand):
    help = (
        "Write a backup of the archive's database to PATH: pg_dump's custom format on "
        "PostgreSQL, an online copy on SQLite. Restore it with `manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write.")

    def handle(self, *args, path, verbosity=1, **options):
        began = time.perf_counter()
        try:
            size = backup.backup(path)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        if verbosity:
            self.stdout.write(
                f"Backed up to {path}: {size:,} bytes in {time.perf_counter() - began:.1f} s."
            )
