import datetime as dt
import itertools
from typing import Any

from qinqing.ratings.models import Channel, Rating, ServiceEvent, ServiceKind
from qinqing.ratings.services import record_service_event, submit_rating

_seq = itertools.count(1)


def make_event(department: Any, **kw: Any) -> ServiceEvent:
    kw.setdefault("kind", ServiceKind.APPEAL)
    kw.setdefault("reference", f"test:{next(_seq)}")
    return record_service_event(department=department, **kw)


def make_rating(department: Any, level: int, *, channel: str = Channel.API, **kw: Any) -> Rating:
    comment = kw.pop("comment", "态度不好" if level <= 2 else "")
    event = make_event(department, **kw)
    return submit_rating(event, actor=None, level=level, channel=channel, comment=comment)


def aware(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
