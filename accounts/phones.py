"""Mobile and landline numbers in the form the archive stores them (national digits, no spaces)."""

from __future__ import annotations

import unicodedata

import phonenumbers
from django.utils.translation import gettext as _

from core.errors import InvalidInput


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """Validate a Chinese phone number and return its national significant digits.

    Accepts full-width digits, spaces, dashes and a +86 prefix; rejects numbers that cannot exist.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise InvalidInput(_("Enter a phone number."), field=field)
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(_("“%(value)s” is not a phone number.") % {"value": raw}, field=field) from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidInput(_("“%(value)s” is not a valid Chinese phone number.") % {"value": raw}, field=field)
    return phonenumbers.national_significant_number(number)
