"""``manage.py create_api_token USER --name NAME``: print a new bearer token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from altitude.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is not stored in clear)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        _, raw = ApiToken.issue(user, options["name"])
        self.stdout.write(raw)
