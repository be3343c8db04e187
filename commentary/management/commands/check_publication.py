"""List published statements that lack a speaker or a source (own or inherited).

Publishing refuses such statements on every path (``workflow.missing_for_publication``);
this finds the ones published before the rule, or written by hand into the database.
Exits with status 1 when it finds any, so a scheduled run can alert.
"""

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from commentary.editorial import workflow
from commentary.models import Quote


class Command(BaseCommand):
    help = "List published statements without a speaker or a source (exit 1 if any)."

    def handle(self, *args, verbosity=1, **options):
        found = 0
        for quote in Quote.objects.published().incomplete().order_by("pk").iterator():
            found += 1
            for problem in workflow.missing_for_publication(quote):
                self.stdout.write(
                    f"{quote.pk}\t{reverse('admin:commentary_quote_change', args=[quote.pk])}"
                    f"\t{problem}"
                )
        if found:
            raise CommandError(f"{found} published statement(s) incomplete.", returncode=1)
        if verbosity:
            self.stdout.write("Every published statement has a speaker and a source.")
