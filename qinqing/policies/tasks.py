"""Background work: ids in, services do the work. Each task is safe to run twice."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qinqing.policies import services


@db_task()
def run_full_match_task(run_id: int) -> None:
    services.run_full_match(run_id)


@db_task()
def match_shard_task(run_id: int, number: int) -> None:
    """One part of a sharded full run (services.run_match_shard); workers take one each."""
    services.run_match_shard(run_id, number)


@db_periodic_task(crontab(minute="*"))
def sweep_match_runs_task() -> None:
    """A part whose worker died (kill -9, OOM) stops renewing its lease: queue it again,
    or fail its run with the reason, so no run stays “running” for ever."""
    services.sweep_match_runs()


@db_task()
def rematch_enterprises_task(enterprise_ids: list[int]) -> None:
    services.rematch_enterprises(enterprise_ids)


def rematch_changed_enterprises(enterprise_ids: list[int]) -> None:
    """The registry's facts listener (enterprises/hooks.py): re-match in the queue."""
    rematch_enterprises_task(list(enterprise_ids))


@db_task()
def rematch_items_task(item_ids: list[int]) -> None:
    services.rematch_items(item_ids)
