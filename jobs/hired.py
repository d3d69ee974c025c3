"""After a hire: the follow-ups that higher layers hang on a placement, without ``jobs`` importing
them (``relief/restructuring`` closes a laid-off worker's case when they are placed).

A subscriber names a Celery task (registered by name, taking the placement's id) once, in its
``AppConfig.ready()``. ``application_hire`` calls :func:`announce` inside its transaction: each task
is enqueued on commit through ``core.tasks.enqueue_on_commit`` (the outbox with a broker, in-process
when eager), so a hire that rolls back sets off nothing, and a follow-up that fails is logged and
retried by its own task, never undoing the hire. The tasks must be idempotent: the outbox may send
one twice."""

from __future__ import annotations

from core.tasks import enqueue_on_commit

_subscribers: list[str] = []


def subscribe(task_name: str) -> None:
    """Run the task ``task_name`` with the placement's id after every hire commits. Subscribing the
    same task twice (a second ``ready()``) keeps one."""
    if not task_name or not isinstance(task_name, str):
        raise ValueError("A hire subscriber is a Celery task's name.")
    if task_name not in _subscribers:
        _subscribers.append(task_name)


def unsubscribe(task_name: str) -> None:
    if task_name in _subscribers:
        _subscribers.remove(task_name)


def subscribers() -> tuple[str, ...]:
    return tuple(_subscribers)


def announce(placement_id: int) -> None:
    """A placement was made in the current transaction: its subscribers run once it commits."""
    for task_name in _subscribers:
        enqueue_on_commit(task_name, placement_id)
