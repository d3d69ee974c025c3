"""What a channel backend is: something that sends one message and, where the provider can tell,
says afterwards whether a message went out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Message:
    key: str  # the delivery's idempotency key
    channel: str
    kind: str
    address: str  # national mobile digits, a WeChat openid or an e-mail address
    title: str
    body: str
    link: str  # absolute
    language: str
    params: tuple[str, ...] = ()  # the kind's template parameters, in order (SMS, WeChat)
    context: dict[str, Any] = field(default_factory=dict)
    claimed_at: dt.datetime | None = None


class ProviderError(Exception):
    """The provider did not take the message. ``transient``: worth trying again later."""

    transient = True

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class TransientError(ProviderError):
    transient = True


class PermanentError(ProviderError):
    transient = False


class Skip(Exception):
    """The message cannot go out on this channel at all (no template for the kind, no address the
    provider accepts): recorded with ``reason`` (a ``Delivery.Reason``) and not retried."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Send; return the provider's message id ("" when it gives none). Raises ``ProviderError``
        or ``Skip``."""
        ...

    def reconcile(self, message: Message) -> bool | None:
        """Did ``message`` (claimed at ``message.claimed_at``) go out? None: the provider cannot say."""
        ...
