"""Chinese names of timeline event kinds and states, registered by the app that writes
them (AppConfig.ready), so a timeline never shows a code such as `profile_changed`."""

from collections.abc import Mapping

_LABELS: dict[str, str] = {}


def register_event_labels(labels: Mapping[str, str]) -> None:
    _LABELS.update({key: str(value) for key, value in labels.items()})


def event_label(code: object) -> str:
    """The registered name; for a composed kind such as `item_published`, the names of its
    subject and its action together (政策事项 + 发布); else the code itself."""
    text = str(code or "")
    if text in _LABELS:
        return _LABELS[text]
    subject, _, action = text.partition("_")
    if subject in _LABELS and action in _LABELS:
        return _LABELS[subject] + _LABELS[action]
    return text
