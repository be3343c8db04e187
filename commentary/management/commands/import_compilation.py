"""Import a compilation (a round-up of statements) from a UTF-8 text file, as drafts.

    manage.py import_compilation roundup.txt --dry-run --format json   # the preview
    manage.py import_compilation roundup.txt                           # import it

Without ``--dry-run`` it imports what the preview proposes, without asking, so it can be
scripted; importing the same file again creates nothing new and says so.
"""

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from commentary.choices import Status
from commentary.importing import apply, preview
from commentary.importing.text import RefusedText


class Command(BaseCommand):
    help = "Import a round-up of statements from a UTF-8 text file as draft statements."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The text file ('-' reads standard input).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the preview; write nothing."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--language", choices=["zh-hans", "en"], help="The text's language (else guessed)."
        )
        parser.add_argument(
            "--status",
            choices=[Status.DRAFT, Status.REVIEW],
            default=Status.DRAFT,
            help="Status of the new statements (never published).",
        )

    def handle(
        self,
        path,
        dry_run=False,
        format="text",
        language=None,
        status=Status.DRAFT,
        verbosity=1,
        **options,
    ):
        start = time.perf_counter()
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as file:
                    data = file.read()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error

        def progress(done, total):
            if verbosity > 1 or (verbosity and total >= 500):
                self.stderr.write(f"  {done:,} of {total:,}", ending="\r")

        try:
            proposed = preview.read(data, language=language, progress=progress)
        except RefusedText as error:
            raise CommandError(str(error)) from error
        if dry_run and format == "json":
            self.stdout.write(json.dumps(proposed.as_json(), ensure_ascii=False, indent=1))
            return
        if format == "text" and (dry_run or verbosity > 1):
            self.write_preview(proposed)
        if dry_run:
            return
        try:
            report = apply.apply(proposed, status=status)
        except (apply.NothingToImport, DatabaseError) as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "collection": report.collection.pk,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "left_published": report.left_published,
                    }
                )
            )
            return
        if verbosity:
            self.stdout.write(
                f"{report.summary()} Collection {report.collection.pk} "
                f"({report.collection.get_status_display()}), "
                f"{time.perf_counter() - start:.2f} s."
            )

    def write_preview(self, proposed):
        out = self.stdout.write
        out(
            f"{proposed.title} [{proposed.language}]"
            + (
                f" — imported before as collection {proposed.collection.pk}"
                if proposed.collection
                else ""
            )
        )
        for section in proposed.sections:
            out(f"\n== {section.title or '(no heading)'}")
            for entry in section.entries:
                speakers = "; ".join(
                    f"{s.name}{' → ' + s.expert.slug if s.expert else ' (new)'}"
                    for s in entry.speakers
                )
                out(
                    f"  line {entry.line}: {speakers} | {entry.kind} | {entry.said_on or '—'} "
                    f"| {entry.outlet or '—'} | {entry.change}"
                    + (f" | duplicates {entry.duplicate_of}" if entry.duplicate_of else "")
                )
                out(f"    {entry.text[:100]}")
                for problem in entry.problems:
                    out(f"    ! {problem}")
        for problem in proposed.problems:
            out(f"! {problem}")
        for line in proposed.unplaced:
            out(f"? unplaced: {line}")
