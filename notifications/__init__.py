"""Telling people what concerns them: the in-app inbox, SMS, WeChat and e-mail.

Apps call ``notifications.services.notify`` with recipients, a registered kind, a context and a
link, inside the transaction of the event; delivery to the outside channels runs on commit through
Celery, from an outbox of one row per (notification, channel). This app imports only ``accounts``
and ``core``; the apps above register their kinds and reminders in their own ``notices.py``.
"""
