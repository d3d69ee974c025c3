"""WSGI entry point. Refuses to serve when the personal-data keys cannot read the stored data."""

import os
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")

application = get_wsgi_application()

from core.checks import verify_encryption_keys  # noqa: E402  (needs the apps loaded)

_errors = verify_encryption_keys()
if _errors:
    raise ImproperlyConfigured("; ".join(e.msg for e in _errors))


def _warm_up() -> None:
    """Build the skill resolver and the occupation coder before the first worker types a phrase
    (a second or two, once per process), off the request path."""
    from django.db import connection

    from skills.understanding import occupation_coder, skill_resolver

    try:
        skill_resolver().warm_up()
        occupation_coder().warm_up()
    finally:
        connection.close()


threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
