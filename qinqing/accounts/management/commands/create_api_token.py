from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qinqing.accounts.models import User
from qinqing.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token for a user (the key is printed once and never stored)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"用户不存在：{options['username']}") from exc
        token, raw = create_api_token(user, name=options["name"], actor=None)
        self.stdout.write(raw)
