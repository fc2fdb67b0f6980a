"""The development server for ``make run``: Django's runserver (static files included), with
the demo logins as the last thing it prints once it is listening, so they are on screen
without scrolling (and printed again after each code reload)."""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from .seed_demo import write_logins


class Command(RunserverCommand):
    help = "runserver, then the demo logins (`make run`; load them first with seed_demo)."

    def on_bind(self, server_port: int) -> None:
        super().on_bind(server_port)
        write_logins(self.stdout, heading=self.style.SUCCESS)
