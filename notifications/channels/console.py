"""The development and test backend: prints what would be sent, one line per message."""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from core.masking import mask_phone
from notifications.channels.base import Message


class ConsoleBackend:
    _lock = threading.Lock()

    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        self.stream = stream

    def send(self, message: Message) -> str:
        address = mask_phone(message.address) if message.channel == "sms" else message.address
        line = f"[{message.channel} → {address}] {message.title}"
        if message.link:
            line += f" {message.link}"
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(f"{line} ({message.key})\n")
            stream.flush()
        return ""

    def reconcile(self, message: Message) -> bool | None:
        return None  # a printed line leaves no record to ask
