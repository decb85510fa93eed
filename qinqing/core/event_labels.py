"""Chinese names of timeline event kinds and states, registered by the app that writes
them (AppConfig.ready), so a timeline never shows a code such as `profile_changed`."""

from collections.abc import Mapping

_LABELS: dict[str, str] = {}


def register_event_labels(labels: Mapping[str, str]) -> None:
    _LABELS.update({key: str(value) for key, value in labels.items()})


def event_label(code: object) -> str:
    text = str(code or "")
    return _LABELS.get(text, text)
