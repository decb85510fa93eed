"""Compile every .po file of the project and its apps to .mo with polib, so that a
machine without GNU gettext can build the translations."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def po_files(base: Path) -> list[Path]:
    return sorted(
        p
        for p in base.rglob("locale/*/LC_MESSAGES/*.po")
        if ".venv" not in p.parts and "node_modules" not in p.parts
    )


class Command(BaseCommand):
    help = "Compile the .po translation files to .mo (no gettext needed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="fail on untranslated or fuzzy entries"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        files = po_files(Path(settings.BASE_DIR))
        for path in files:
            po = polib.pofile(str(path))
            for entry in po:
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    problems.append(f"{path}: fuzzy: {entry.msgid!r}")
                elif not entry.translated():
                    problems.append(f"{path}: untranslated: {entry.msgid!r}")
            po.save_as_mofile(str(path.with_suffix(".mo")))
        if options["check"] and problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(f"compiled {len(files)} translation file(s)")
