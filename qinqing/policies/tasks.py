"""Background work: ids in, services do the work. Each task is safe to run twice."""

from huey.contrib.djhuey import db_task

from qinqing.policies import matching, services


@db_task()
def run_full_match_task(run_id: int) -> None:
    services.run_full_match(run_id)


@db_task()
def rematch_enterprises_task(enterprise_ids: list[int]) -> None:
    services.rematch_enterprises(enterprise_ids)


def rematch_changed_enterprises(enterprise_ids: list[int]) -> None:
    """The registry's facts listener (enterprises/hooks.py): re-match in the queue."""
    rematch_enterprises_task(list(enterprise_ids))


@db_task()
def rematch_items_task(item_ids: list[int]) -> None:
    services.rematch_items(item_ids)


@db_task()
def match_shard_task(shard: int, shards: int) -> None:
    """One shard of a full run (matching.run_shard); several workers take one each."""
    matching.run_shard(shard, shards)
