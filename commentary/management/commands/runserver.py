"""runserver that, like the WSGI/ASGI entry points, refuses to start without a secret key."""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from commentary.startup import require_secret_key


class Command(RunserverCommand):
    def handle(self, *args, **options):
        require_secret_key()
        super().handle(*args, **options)
