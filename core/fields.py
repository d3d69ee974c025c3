"""Model fields the apps share."""

from __future__ import annotations

from typing import Any

import orjson
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class JSONTextField(models.TextField):
    """JSON that the application writes and reads whole, kept as compact text in every database.

    For derived rows written by the million (``matching.Match``'s explanation): PostgreSQL parses a
    ``jsonb`` value on every write, which halves the rows a ``COPY`` writes per second, and nothing ever
    asks the database to look inside these values. Use ``models.JSONField`` wherever the database
    should filter or index by a key. The value is a Python object (dict, list, str, number, bool or
    ``None`` for SQL NULL); it is encoded with ``encode`` and decoded on every read."""

    description = _("JSON kept as text")
    # For django-stubs: the attribute holds any JSON value, not the text column's ``str``.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    @staticmethod
    def encode(value: Any) -> str:
        """Compact JSON, Chinese kept as it is (orjson: a re-match encodes millions of these)."""
        return orjson.dumps(value).decode()

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else orjson.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError as error:
                raise ValidationError(_("Enter valid JSON."), code="invalid") from error
        return value

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else self.encode(value)

    def value_to_string(self, obj: models.Model) -> str:
        return self.encode(self.value_from_object(obj))

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
