"""Demo data for notifications (called last by web/demo.py, after every app has seeded).

The apps' own events already told people things while they were seeded (invitations, new
applicants, seats, booths, exit requests, payment requests...). This runs the day's reminders and
the staff digest and delivery report as beat would, so that every demo login has unread
notifications, and the console shows what SMS, WeChat and e-mail would have carried.

Idempotent: reminders and digests carry keys, so a second run adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from notifications import services
from notifications.models import Notification


@dataclass
class DemoResult:
    created: int


def seed_notifications(*, verbose: Callable[[str], None] = print) -> DemoResult:
    before = Notification.objects.count()
    reminders = services.reminders_send()
    services.digests_send()
    created = Notification.objects.count() - before
    if created:
        reminded = sum(max(n, 0) for n in reminders.values())
        verbose(f"Notifications: {created} from today's reminders ({reminded}) and digests.")
    return DemoResult(created=created)
