"""Write docs/figures.md from the figure registry (qinqing/core/figures.py)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qinqing.core.figures import document


def docs_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "figures.md"


class Command(BaseCommand):
    help = "Write docs/figures.md from the figure registry (--check: fail if it is stale)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if the page is stale")

    def handle(self, *args: Any, **options: Any) -> None:
        path = docs_path()
        text = document()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if options["check"]:
            if current != text:
                raise CommandError(f"{path} is stale: run manage.py document_figures")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
