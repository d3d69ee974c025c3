"""What every request and response goes through, pages and API alike.

``RequestGuardMiddleware`` refuses at the edge what no view should have to think about:

* a NUL character anywhere a value can come from: the path, the query string (names and values),
  form fields (not uploaded files, whose bytes are the file's), a JSON body (a raw 0x00 byte or a
  ``\\u0000`` escape), cookies and the credentials of HTTP Basic authentication. PostgreSQL cannot
  store or compare a string holding NUL and fails the query, so a NUL that reached a view was a
  500; there is no legitimate use for it in this service. The answer is 400.
* a body larger than ``REQUEST_MAX_BYTES`` (413), before it is read.

``SecurityHeadersMiddleware`` adds to every answer of the service (not to static files, which
WhiteNoise serves before it): a Content-Security-Policy (``CONTENT_SECURITY_POLICY``: scripts only
from our own files, no inline script anywhere), and ``Cache-Control: no-store`` unless the view set
its own caching, because pages and API answers carry personal data that must not be kept by a
browser's or a proxy's cache.

``TransientDatabaseErrorMiddleware`` answers a transient database error (a deadlock, a
serialization failure) 503 with ``Retry-After``, never 500. The services retry their own
transaction first (``core.db.retry_transient``); what still reaches a view means the database was
very busy. Nothing was written (the transaction rolled back), so the person is told to send it
again. The API's exception handler (``core.api``) does the same for API views.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from core.db import is_transient

Handler = Callable[[HttpRequest], HttpResponse]

NUL = "\x00"
# A JSON string escape for NUL: \u0000 preceded by an even number of backslashes (an odd number
# means the backslash itself is escaped and the text is the six characters "\u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _query_has_nul(request: HttpRequest) -> bool:
    return _has_nul(request.GET.keys()) or any(_has_nul(request.GET.getlist(k)) for k in request.GET)


def _form_has_nul(request: HttpRequest) -> bool:
    # Only fields: an uploaded file's content is bytes of its own and is read by its importer.
    post = request.POST
    return _has_nul(post.keys()) or any(_has_nul(post.getlist(k)) for k in post)


def _json_has_nul(body: bytes) -> bool:
    return b"\x00" in body or _JSON_NUL.search(body) is not None


def _basic_credentials(request: HttpRequest) -> str:
    """The decoded credentials of a Basic Authorization header ("" when there are none)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return ""
    try:
        raw = base64.b64decode(token.strip(), validate=False)
    except (binascii.Error, ValueError):
        return ""  # DRF answers a malformed header itself
    return raw.decode("latin-1")  # every byte maps to one character: a NUL stays a NUL


class RequestGuardMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        limit = getattr(settings, "REQUEST_MAX_BYTES", None)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if limit and length.isascii() and length.isdigit() and int(length) > limit:
            return _refuse(
                request,
                413,
                _("The request is too large (at most %(mb)d MB).") % {"mb": max(1, limit // (1024 * 1024))},
            )
        if NUL in request.path_info or _query_has_nul(request) or _has_nul(request.COOKIES.values()):
            return _refuse_nul(request)
        if NUL in _basic_credentials(request):
            return _refuse_nul(request)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type in _FORM_TYPES:
                if _form_has_nul(request):
                    return _refuse_nul(request)
            elif ("json" in content_type or content_type == "text/plain") and _json_has_nul(request.body):
                return _refuse_nul(request)
        return None


def _refuse_nul(request: HttpRequest) -> HttpResponse:
    return _refuse(request, 400, _("The request contains a NUL character, which is not allowed."))


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "invalid"}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


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
