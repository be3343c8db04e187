"""Django's ``loaddata``, recorded in the history: an import is a change like any other."""

from django.core.management.commands import loaddata

from commentary.editorial import history


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with history.recorded(f"manage.py loaddata {' '.join(fixture_labels)}"):
            return super().handle(*fixture_labels, **options)
