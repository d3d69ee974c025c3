"""The readiness endpoint (``core.health``); liveness is ``web.views.health``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from core.health import readiness


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker and the field keys answer in time; 503 otherwise."""
    ok, report = readiness()
    return JsonResponse({"status": "ready" if ok else "not ready", "checks": report}, status=200 if ok else 503)
