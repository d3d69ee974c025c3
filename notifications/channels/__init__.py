"""The channel backends, picked by ``settings.NOTIFICATION_CHANNELS``::

    {"sms": {"BACKEND": "notifications.channels.console.ConsoleBackend", "OPTIONS": {}}, ...}

A channel missing from the setting is switched off: no delivery rows are made for it. Development
and tests print SMS and WeChat messages to the console and send e-mail through Django's mail
(itself the console there); production names the real providers (see ``web/settings.py``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from notifications.channels.base import Backend


def configured() -> list[str]:
    return [channel for channel, conf in settings.NOTIFICATION_CHANNELS.items() if conf and conf.get("BACKEND")]


@cache
def backend_for(channel: str) -> Backend:
    conf: dict[str, Any] = settings.NOTIFICATION_CHANNELS[channel]
    factory = import_string(conf["BACKEND"])
    backend: Backend = factory(**conf.get("OPTIONS", {}))
    return backend


@receiver(setting_changed)
def _forget_backends(*, setting: str, **kwargs: Any) -> None:
    if setting == "NOTIFICATION_CHANNELS":
        backend_for.cache_clear()
