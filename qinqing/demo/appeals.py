"""Twelve months of appeals, lived through the real appeals services at their own
moments (see clock.py): registered by the 12345 seat or by the enterprise online,
dispatched, signed for, handled, replied, called back, closed and rated, with the
year's share of late answers, returns to the dispatcher, extensions, urging and
supervision, reopened appeals, bad ratings, withdrawals and duplicates. The season
shapes what is asked (汛期 in summer, 供暖供气 in winter, hiring after the Spring
Festival). Re-runnable: every appeal has an idempotency key and is only lived once."""

import contextlib
import datetime as dt
import random
from dataclasses import dataclass

from qinqing.accounts.models import Organisation, User
from qinqing.appeals import services
from qinqing.appeals.models import (
    Appeal,
    Category,
    Channel,
    ClockKind,
    Rating,
    ReplyResult,
)
from qinqing.demo.appeal_topics import SLOTS, TOPICS, Topic
from qinqing.demo.clock import DemoClock
from qinqing.demo.ratings import rate_closed_appeal
from qinqing.enterprises.models import Enterprise

KEY_PREFIX = "demo-history"
# What happens to an appeal, with its share of the year's appeals.
FATES = {
    "normal": 60,
    "late_ack": 5,
    "late_reply": 6,
    "extension": 5,
    "returned": 5,
    "reopened": 5,
    "bad_rating": 3,
    "suspended": 2,
    "assisted": 4,
    "withdrawn": 2,
    "duplicate": 2,
}
RECENT_DAYS = 30  # appeals this young may be stuck (open and overdue)
STAFF_CHANNELS = [Channel.PHONE] * 6 + [Channel.WINDOW] * 2 + [Channel.VISIT, Channel.LETTER]
CONTACT_METHODS = ["phone", "phone", "visit", "meeting", "online"]
GOOD = [Rating.VERY_SATISFIED] * 12 + [Rating.SATISFIED] * 7 + [Rating.BASIC]
RETURN_REASONS = (
    "该事项不属于我单位职责范围，建议转{right}办理。",
    "经核实，企业反映问题由{right}负责，请重新派单。",
)


@dataclass
class Cast:
    intake: User
    supervisor: User
    handlers: dict[str, User]  # department code -> a handler there
    departments: dict[str, Organisation]
    categories: dict[str, Category]
    own_users: dict[int, User]  # enterprise id -> its portal account


@dataclass
class Planned:
    index: int
    topic: Topic
    created_at: dt.datetime
    enterprise: Enterprise
    fate: str
    online: bool  # raised and followed up by the enterprise itself on the portal


def make_cast() -> Cast:
    from qinqing.accounts.models import Membership, Role

    handlers: dict[str, User] = {}
    for m in Membership.objects.filter(role=Role.HANDLER).select_related("user", "organisation"):
        handlers.setdefault(m.organisation.code, m.user)
    own = {}
    usccs = dict(Enterprise.objects.values_list("uscc", "pk"))
    for user in User.objects.exclude(uscc=""):
        if user.uscc in usccs:
            own[usccs[user.uscc]] = user
    return Cast(
        intake=User.objects.get(username="intake"),
        supervisor=User.objects.get(username="supervisor"),
        handlers=handlers,
        departments={o.code: o for o in Organisation.objects.filter(code__startswith="D-")},
        categories={c.code: c for c in Category.objects.all()},
        own_users=own,
    )


def plan(
    count: int, clock: DemoClock, enterprises: list[Enterprise], own: set[int]
) -> list[Planned]:
    """`count` appeals over the twelve months before today, by season and topic."""
    rng = random.Random(2027)
    first = (clock.today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    months = []
    day = first
    while day <= clock.today:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)

    def weight(topic: Topic, month: dt.date) -> float:
        return topic.weight * topic.season.get(month.month, 1.0)

    totals = [sum(weight(t, m) for t in TOPICS) * (1 + 0.02 * i) for i, m in enumerate(months)]
    # the current month has only run so far
    days_in = [
        min(((m + dt.timedelta(days=32)).replace(day=1) - m).days, (clock.today - m).days + 1)
        for m in months
    ]
    totals = [t * d / 30 for t, d in zip(totals, days_in, strict=True)]
    scale = count / sum(totals)
    showcase = [e for e in enterprises if e.pk in own]
    others = [e for e in enterprises if e.pk not in own] or enterprises
    planned: list[tuple[dt.datetime, Topic, Enterprise, bool]] = []
    remainder = 0.0
    for month, total, span in zip(months, totals, days_in, strict=True):
        exact = total * scale + remainder
        n = count - len(planned) if month == months[-1] else max(0, round(exact))
        remainder = exact - n
        weights = [weight(t, month) for t in TOPICS]
        for _ in range(n):
            topic = rng.choices(TOPICS, weights=weights)[0]
            created = clock.any_time(month + dt.timedelta(days=rng.randrange(span)), rng)
            online = bool(showcase) and rng.random() < 0.04
            enterprise = rng.choice(showcase) if online else rng.choice(others)
            planned.append((created, topic, enterprise, online))
    planned.sort(key=lambda p: p[0])
    result = []
    for index, (created, topic, enterprise, online) in enumerate(planned[:count]):
        fate = rng.choices(list(FATES), weights=list(FATES.values()))[0]
        if (clock.now - created).days < RECENT_DAYS and rng.random() < 0.15:
            fate = "stalled"
        result.append(Planned(index, topic, min(created, clock.now), enterprise, fate, online))
    return result


def seed_appeals(count: int, clock: DemoClock) -> int:
    cast = make_cast()
    enterprises = list(Enterprise.objects.order_by("uscc")[:240])
    if not enterprises or count <= 0:
        return 0
    life = Life(cast, clock)
    created = 0
    for planned in plan(count, clock, enterprises, set(cast.own_users)):
        if life.live(planned):
            created += 1
    clock.at(clock.now)
    services.sweep_deadlines(clock.now)
    return created


class Life:
    """Drives one appeal from registration to its end, or to the step it has reached."""

    def __init__(self, cast: Cast, clock: DemoClock) -> None:
        self.cast, self.clock = cast, clock
        self.rng = random.Random(2028)
        self.last_of_topic: dict[str, Appeal] = {}

    def _text(self, template: str) -> str:
        return template.format(**{k: self.rng.choice(v) for k, v in SLOTS.items()})

    def handler(self, code: str) -> User:
        return self.cast.handlers[code]

    def live(self, p: Planned) -> bool:
        rng, clock, cast = self.rng, self.clock, self.cast
        enterprise = p.enterprise
        actor = cast.own_users[enterprise.pk] if p.online else cast.intake
        clock.at(p.created_at)
        appeal, is_new = services.register_appeal(
            services.IntakeInput(
                channel=Channel.PORTAL if p.online else rng.choice(STAFF_CHANNELS),
                appeal_type=p.topic.kind,
                category=cast.categories.get(p.topic.category),
                title=self._text(rng.choice(p.topic.titles)),
                description=self._text(rng.choice(p.topic.descriptions)),
                enterprise=enterprise,
                requester_name=enterprise.contact_name or "联系人",
                requester_phone=enterprise.contact_phone or "13800000000",
                address=enterprise.address,
                division=enterprise.division,
                idempotency_key=f"{KEY_PREFIX}-{p.index}",
            ),
            actor=actor,
        )
        if not is_new:
            return False
        original = self.last_of_topic.get(p.topic.key)
        self.last_of_topic[p.topic.key] = appeal
        with contextlib.suppress(_Stop):  # the rest of its life is still ahead
            self._handle(appeal, p, original)
        return True

    def _at(self, moment: dt.datetime) -> dt.datetime:
        if not self.clock.at(moment):
            raise _Stop
        return moment

    def _handle(self, appeal: Appeal, p: Planned, original: Appeal | None) -> None:
        rng, clock, cast = self.rng, self.clock, self.cast
        intake, supervisor = cast.intake, cast.supervisor
        code = p.topic.department
        lead = cast.departments[code]
        handler = self.handler(code)
        t = p.created_at
        if p.fate == "withdrawn":
            self._at(clock.after(t, 0))
            services.withdraw_appeal(
                appeal, actor=intake, reason="企业来电表示问题已自行解决，申请撤回。"
            )
            return
        if p.fate == "duplicate" and original is not None and original.enterprise_id:
            self._at(clock.minutes_after(t, 10, 90))
            services.mark_duplicate(
                appeal, actor=intake, original=original, note="与已受理诉求反映同一问题，合并办理。"
            )
            return
        t = self._at(clock.minutes_after(t, 10, 80))  # the 12345 seat dispatches day and night
        wrong = p.topic.wrong_department or ("D-YSHJ" if code != "D-YSHJ" else "D-FGJ")
        if p.fate == "returned":
            services.dispatch_appeal(
                appeal, actor=intake, to=cast.departments[wrong], note="请按时办理"
            )
            t = self._at(clock.after(t, 0))
            right = lead.short_name or lead.name
            services.return_appeal(
                appeal,
                actor=self.handler(wrong),
                reason=rng.choice(RETURN_REASONS).format(right=right),
            )
            t = self._at(clock.after(t, 0, hours=0.5))
        assist = (
            [cast.departments["D-ZJJ" if code != "D-ZJJ" else "D-SWUJ"]]
            if p.fate == "assisted"
            else []
        )
        services.dispatch_appeal(
            appeal, actor=intake, to=lead, assist=assist, note="请按时限办理并及时答复企业"
        )
        if p.fate == "stalled" and rng.random() < 0.4:
            return
        if p.fate == "late_ack":
            t = self._at(clock.after(t, rng.randint(2, 3)))
            services.sweep_deadlines(t)
        else:
            t = self._at(clock.after(t, 0))
        acknowledged = t
        services.acknowledge_appeal(appeal, actor=handler, note="已签收，尽快与企业对接")
        for org in assist:
            self._at(clock.minutes_after(t, 20, 180))
            services.acknowledge_appeal(appeal, actor=self.handler(org.code), note="协办签收")
        t = self._at(clock.after(t, rng.choice([0, 0, 1])))
        services.record_contact(
            appeal, actor=handler, method=rng.choice(CONTACT_METHODS), person=appeal.requester_name
        )
        if p.fate == "stalled":
            return
        reply_after = rng.randint(1, 4)
        if p.fate == "extension":
            t = self._at(clock.after(t, 2))
            extension = services.request_extension(
                appeal,
                actor=handler,
                clock_kind=ClockKind.REPLY,
                days=5,
                reason="需协调供电、燃气等外部单位现场勘查，预计无法在时限内答复。",
            )
            t = self._at(clock.after(t, 0))
            approve = rng.random() < 0.85
            services.decide_extension(
                extension,
                actor=supervisor,
                approve=approve,
                note="" if approve else "可先答复阶段性进展。",
            )
            reply_after = rng.randint(6, 8) if approve else 5
        if p.fate == "suspended":
            t = self._at(clock.after(t, 1))
            services.suspend_appeal(appeal, actor=handler, reason="等待企业补充项目备案材料。")
            t = self._at(clock.after(t, rng.randint(2, 4)))
            services.resume_appeal(appeal, actor=handler, note="企业已补充材料，恢复办理。")
            reply_after += 3
        if p.fate == "late_reply":
            reply_after = rng.randint(7, 10)
            t = self._at(clock.after(acknowledged, 5))
            services.sweep_deadlines(t)
            services.urge_appeal(appeal, actor=intake, note="答复时限已到，请尽快办理并答复企业。")
            if rng.random() < 0.5:
                t = self._at(clock.after(t, 2))
                services.sweep_deadlines(t)
                services.urge_appeal(
                    appeal,
                    actor=supervisor,
                    note="该诉求已超期，请主要负责人过问，限期答复。",
                    formal=True,
                )
        elif p.fate == "assisted" and rng.random() < 0.5:
            t = self._at(clock.after(t, 1))
            services.consult_appeal(
                appeal,
                actor=handler,
                note="主办、协办单位现场会商，明确分工。",
                agreement="主办单位牵头，协办单位配合施工。",
            )
        t = self._at(max(clock.after(acknowledged, reply_after), clock.after(t, 0)))
        result = ReplyResult.SOLVED
        if p.fate == "bad_rating":
            result = rng.choice([ReplyResult.PARTLY, ReplyResult.CANNOT])
        services.reply_appeal(
            appeal,
            actor=handler,
            result=result,
            text=rng.choice(p.topic.replies).format(**{k: rng.choice(v) for k, v in SLOTS.items()}),
            policy_reason="现行政策对该事项无补助依据，已向企业解释并提供其他支持渠道。"
            if result == ReplyResult.CANNOT
            else "",
        )
        if p.fate == "reopened":
            t = self._at(clock.after(t, rng.randint(1, 2)))
            self._call_back(
                appeal, p, solved=False, rating=Rating.UNSATISFIED, note="企业表示问题仍未解决。"
            )
            t = self._at(clock.after(t, 0))
            services.reopen_appeal(
                appeal, actor=supervisor, reason="回访企业不满意，问题未实质解决，要求重办。"
            )
            t = self._at(clock.after(t, rng.randint(2, 4)))
            services.reply_appeal(
                appeal,
                actor=handler,
                result=ReplyResult.SOLVED,
                text="重办后已现场解决，企业确认问题已处理。",
            )
        t = self._at(clock.after(t, rng.randint(0, 3)))
        if p.fate == "bad_rating":
            rating = rng.choice([Rating.UNSATISFIED, Rating.UNSATISFIED, Rating.VERY_UNSATISFIED])
            solved = result == ReplyResult.PARTLY and rng.random() < 0.3
        elif p.fate in ("late_ack", "late_reply"):
            rating, solved = (
                rng.choice(
                    [Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC]
                ),
                True,
            )
        else:
            rating, solved = rng.choice(GOOD), True
        self._call_back(appeal, p, solved=solved, rating=rating)
        if p.fate == "stalled":
            return
        self._at(clock.minutes_after(t, 5, 90))
        appeal = services.close_appeal(appeal, actor=supervisor, note="回访完毕，予以办结。")
        rate_closed_appeal(appeal, actor=self._callback_actor(p), online=p.online)

    def _callback_actor(self, p: Planned) -> User:
        return self.cast.own_users[p.enterprise.pk] if p.online else self.cast.supervisor

    def _call_back(
        self, appeal: Appeal, p: Planned, *, solved: bool, rating: str, note: str = ""
    ) -> None:
        services.call_back_appeal(
            appeal, actor=self._callback_actor(p), solved=solved, rating=rating, note=note
        )


class _Stop(Exception):
    """The next step is still in the future: the appeal stays where it is."""
