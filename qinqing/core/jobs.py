"""Enqueueing background work without importing it: the dependency runs tasks → services.

A service that wants work done later names the task by its dotted path; `enqueue`
imports it only when called (inside `transaction.on_commit`, after the service's
own modules are loaded), so no services module imports a tasks module. Calling a huey
task puts it on the queue (or runs it at once when the queue is immediate)."""

from typing import Any

from django.utils.module_loading import import_string


def enqueue(task_path: str, *args: Any) -> Any:
    """Enqueue the task at `task_path` (e.g. "qinqing.policies.tasks.rematch_items_task")."""
    return import_string(task_path)(*args)
