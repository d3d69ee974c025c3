"""A transient database error (a deadlock, a serialization failure) is answered 503, never 500.

The services retry their own transaction first (``core.db.retry_transient``); what still reaches a
view means the database was very busy. Nothing was written (the transaction rolled back), so the
person is told to send it again, and ``Retry-After`` tells a client when. The API's exception
handler (``core.api``) does the same for API views."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from core.db import is_transient

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2


class TransientDatabaseErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_transient(exception):
            return None
        logger.warning("%s %s: transient database error, answered 503: %s", request.method, request.path, exception)
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
