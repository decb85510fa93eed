"""Enqueueing background work without importing it: the dependency runs tasks → services.

A service that wants work done later names the task by its dotted path; `enqueue`
imports it only when called (inside `transaction.on_commit`, after the service's
own modules are loaded), so no services module imports a tasks module. Calling a huey
task puts it on the queue (or runs it at once when the queue is immediate)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.utils.module_loading import import_string


def enqueue(task_path: str, *args: Any) -> Any:
    """Enqueue the task at `task_path` (e.g. "qinqing.policies.tasks.rematch_items_task")."""
    return import_string(task_path)(*args)


@contextmanager
def beating(beat: Callable[[], None], *, every: float, name: str) -> Iterator[None]:
    """Call `beat` (which renews a lease in the database) every `every` seconds from a
    side thread while the body runs, so a long step is not taken for a dead worker."""
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(every):
                beat()
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
