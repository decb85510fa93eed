"""One function per rating timeline event; each is called inside the service's transaction."""

from typing import Any

from qinqing.ratings.models import Rating, RatingEvent


def _event(
    rating: Rating,
    kind: str,
    *,
    actor: Any,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    **data: Any,
) -> RatingEvent:
    return RatingEvent.record(
        kind, actor=actor, from_state=from_state, to_state=to_state, note=note, data=data,
        rating=rating,
    )  # fmt: skip


def rated(rating: Rating, *, actor: Any) -> RatingEvent:
    return _event(rating, "rated", actor=actor, to_state=str(rating.level), channel=rating.channel)


def rectification_opened(rating: Rating, *, actor: Any, due_at: str) -> RatingEvent:
    return _event(rating, "rectification_opened", actor=actor, to_state="open", due_at=due_at)


def rectification_moved(
    rating: Rating, kind: str, *, actor: Any, from_state: str, to_state: str, note: str, **data: Any
) -> RatingEvent:
    return _event(
        rating, kind, actor=actor, from_state=from_state, to_state=to_state, note=note, **data
    )


def contest_filed(rating: Rating, *, actor: Any, reason: str, contest_id: int) -> RatingEvent:
    return _event(rating, "contest_filed", actor=actor, note=reason, contest_id=contest_id)


def contest_decided(
    rating: Rating, *, actor: Any, status: str, note: str, contest_id: int
) -> RatingEvent:
    return _event(
        rating,
        "contest_decided",
        actor=actor,
        from_state="pending",
        to_state=status,
        note=note,
        contest_id=contest_id,
    )
