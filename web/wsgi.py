"""WSGI entry point. Refuses to serve when the personal-data keys cannot read the stored data."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")

application = get_wsgi_application()

from core.checks import verify_encryption_keys  # noqa: E402  (needs the apps loaded)

_errors = verify_encryption_keys()
if _errors:
    raise ImproperlyConfigured("; ".join(e.msg for e in _errors))
