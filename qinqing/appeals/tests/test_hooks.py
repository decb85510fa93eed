from typing import Any

from qinqing.appeals import hooks


def test_failing_advisor_is_skipped_and_suggestions_are_merged_by_confidence() -> None:
    def broken(*args: Any) -> dict[str, Any]:
        raise RuntimeError("model not loaded")

    def low(*args: Any) -> dict[str, Any]:
        return {"suggestions": [{"category": "a", "confidence": 0.2}], "duplicates": [7]}

    def high(*args: Any) -> dict[str, Any]:
        return {
            "suggestions": [{"category": "b", "confidence": 0.9}],
            "duplicates": [{"id": 7, "score": 0.8, "shared_words": ["停电"]}, {"id": 8}],
        }

    for fn in (broken, low, high):
        hooks.register_intake_advisor(fn)
    try:
        advice = hooks.advise("停电", "厂区停电", None, None)
    finally:
        for fn in (broken, low, high):
            hooks.unregister_intake_advisor(fn)
    assert [s["category"] for s in advice["suggestions"]] == ["b", "a"]
    # ids and detailed dicts merge into dicts, each appeal once (the first advisor's)
    assert advice["duplicates"] == [{"id": 7}, {"id": 8}]


def test_no_advisor_no_suggestions() -> None:
    assert hooks.advise("t", "x", None, None) == {"suggestions": [], "duplicates": []}
