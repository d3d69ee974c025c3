"""E-mail through Django's mail (whatever EMAIL_BACKEND says: SMTP in production, the console in
development)."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from notifications.channels.base import Message, PermanentError, TransientError


class EmailBackend:
    def __init__(self, domain: str = "", **options: Any) -> None:
        self.domain = domain or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "relief.invalid"

    def send(self, message: Message) -> str:
        body = message.body or message.title
        if message.link:
            body = f"{body}\n\n{message.link}"
        # The key as Message-ID: a mail system that sees the same message twice can drop the copy.
        message_id = f"<{message.key}@{self.domain}>"
        email = EmailMessage(subject=message.title, body=body, to=[message.address], headers={"Message-ID": message_id})
        try:
            email.send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise PermanentError(str(exc)[:300], code="refused") from exc
        except (smtplib.SMTPException, OSError) as exc:  # a time-out, a dropped connection
            raise TransientError(str(exc)[:300] or type(exc).__name__, code="smtp") from exc
        return message_id

    def reconcile(self, message: Message) -> bool | None:
        return None
