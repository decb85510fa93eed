"""The catalog's English msgids that other apps translate differently carry the context
"catalog" (pgettext), so that Django's one merged catalogue cannot swap their meaning."""

from pathlib import Path

import polib
from django.utils import translation

from qinqing.catalog.models import MatterChannel, MatterStatus

APPS = Path(__file__).resolve().parents[2]


def _translated(entry: polib.POEntry) -> str:
    return entry.msgstr or entry.msgstr_plural.get(0, "")


def test_no_catalog_msgid_without_context_means_something_else_elsewhere() -> None:
    others: dict[str, set[str]] = {}
    for po in APPS.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"):
        if po.parts[-5] == "catalog":
            continue
        for entry in polib.pofile(str(po)):
            if not entry.msgctxt:
                others.setdefault(entry.msgid, set()).add(_translated(entry))
    catalog = polib.pofile(str(APPS / "catalog/locale/zh_Hans/LC_MESSAGES/django.po"))
    clashes = [
        entry.msgid
        for entry in catalog
        if not entry.msgctxt
        and any(text != _translated(entry) for text in others.get(entry.msgid, ()))
    ]
    assert clashes == []


def test_matter_states_read_as_the_catalog_means_them() -> None:
    with translation.override("zh-hans"):
        assert str(MatterStatus.APPROVED.label) == "已办结（准予）"
        assert str(MatterStatus.SUBMITTED.label) == "待受理"
        assert str(MatterChannel.WINDOW.label) == "窗口登记"
