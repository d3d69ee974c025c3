"""Kinds of notification and reminders: registered once, discovered at start-up.

Every app above this one describes what it tells people in its own ``notices.py``::

    INVITED = register(Kind(
        code="application.invited",
        label=_("Invitations from employers"),
        title=_("%(employer)s invites you to apply for %(posting)s"),
        audience=WORKERS,
        channels=(Channel.SMS, Channel.WECHAT),
    ))

and calls ``notify(recipients, INVITED.code, context, link)`` from its services. ``title`` is a
translatable template (``%(name)s`` placeholders filled from the context); it is what the inbox,
an SMS and a WeChat message say, so it is kept short enough for one SMS (70 characters in Chinese).
A reminder is a function of the day that notifies whatever falls due, idempotently (each
notification carries a key, so running it twice sends nothing twice); the beat task
``notifications.send_reminders`` runs them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from accounts.models import Role
from notifications.models import Channel

StrOrPromise = str | Promise

WORKERS = frozenset({Role.WORKER})
EMPLOYERS = frozenset({Role.EMPLOYER})
STAFF = frozenset({Role.ORGANIZER, Role.HELPER, Role.AUDITOR})
EVERYONE = frozenset(Role)

# One SMS segment holds 70 Chinese characters; the provider adds the signature (【…】) to it.
SMS_LENGTH = 70


class _Values(dict[str, Any]):
    """A context that never raises on a missing placeholder: a kind's text outlives its callers."""

    def __missing__(self, key: str) -> str:
        return "…"


@dataclass(frozen=True)
class Kind:
    code: str
    label: StrOrPromise
    title: StrOrPromise
    audience: frozenset[str]
    channels: tuple[str, ...] = (Channel.SMS,)
    body: StrOrPromise = ""
    # Urgent kinds ignore quiet hours and the daily cap (an interview moved to tomorrow morning).
    urgent: bool = False
    # Staff kinds that go out as one daily digest on the outside channels instead of one message
    # each (every item is still in the inbox at once).
    digest: bool = False
    # Provider templates (SMS, WeChat) take parameters, not free text: the context keys, in order.
    params: tuple[str, ...] = ()
    # Context values that are codes, shown by their translated label: {"state": {"interview": _("…")}}.
    labels: Mapping[str, Mapping[str, StrOrPromise]] = field(default_factory=dict)

    def render(self, context: Mapping[str, Any], language: str | None = None) -> tuple[str, str]:
        """(title, body) in ``language`` (the active language when None)."""
        with translation.override(language or translation.get_language()):
            values = _Values(context)
            for name, choices in self.labels.items():
                if name in values and str(values[name]) in choices:
                    values[name] = str(choices[str(values[name])])
            title = str(self.title) % values
            body = str(self.body) % values if self.body else ""
        return title, body

    def allows(self, role: str) -> bool:
        return role == Role.ADMIN or role in self.audience


_kinds: dict[str, Kind] = {}
Reminder = Callable[[dt.date], int]
_reminders: dict[str, Reminder] = {}


class RegistryError(LookupError):
    pass


def register(kind: Kind) -> Kind:
    """Add a kind; a second kind with the same code is a programming error."""
    if kind.code in _kinds and _kinds[kind.code] is not kind:
        raise RegistryError(f"notification kind {kind.code!r} is registered twice")
    unknown = set(kind.channels) - set(Channel.values)
    if unknown:
        raise RegistryError(f"notification kind {kind.code!r}: unknown channels {sorted(unknown)}")
    _kinds[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    """For tests that register a throw-away kind."""
    _kinds.pop(code, None)


def get(code: str) -> Kind:
    try:
        return _kinds[code]
    except KeyError:
        raise RegistryError(f"no notification kind {code!r} is registered") from None


def find(code: str) -> Kind | None:
    return _kinds.get(code)


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def kinds_for(role: str) -> list[Kind]:
    return [kind for kind in kinds() if kind.allows(role)]


def reminder(code: str) -> Callable[[Reminder], Reminder]:
    """Register ``function(today) -> notifications sent`` to run on the daily reminder beat."""

    def add(function: Reminder) -> Reminder:
        if code in _reminders and _reminders[code] is not function:
            raise RegistryError(f"reminder {code!r} is registered twice")
        _reminders[code] = function
        return function

    return add


def reminders() -> list[tuple[str, Reminder]]:
    return sorted(_reminders.items())


def unregister_reminder(code: str) -> None:
    _reminders.pop(code, None)


def codes(values: Iterable[Kind]) -> list[str]:
    return [kind.code for kind in values]
