"""Resident ID numbers (居民身份证号码, GB 11643-1999): normalise, validate, derive sex and birth date."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from core import crypto
from core.errors import InvalidInput
from core.masking import mask_id_number


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    region_code: str

    @property
    def lookup_hash(self) -> str:
        return crypto.keyed_hash(self.number)


def normalize_id_number(raw: object) -> str:
    """Full-width digits and a lower-case x are how people type these on a phone; accept both."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split()).replace("-", "").upper()


def parse_id_number(raw: object, *, today: date | None = None, field: str = "id_number") -> IdNumber:
    number = normalize_id_number(raw)
    if not number:
        raise InvalidInput(_("Enter the ID number."), field=field)
    try:
        ric.validate(number)
    except InvalidLength as exc:
        raise InvalidInput(
            _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)}, field=field
        ) from exc
    except InvalidFormat as exc:
        raise InvalidInput(_("An ID number is 17 digits followed by a digit or X."), field=field) from exc
    except InvalidChecksum as exc:
        raise InvalidInput(
            _("The check digit (last character) of ID number %(n)s is wrong.") % {"n": mask_id_number(number)},
            field=field,
        ) from exc
    except InvalidComponent as exc:
        # stdnum raises this for an impossible birth date and for an unknown region code.
        try:
            ric.get_birth_date(number)
        except InvalidComponent:
            raise InvalidInput(
                _("ID number %(n)s contains an impossible birth date.") % {"n": mask_id_number(number)}, field=field
            ) from exc
        raise InvalidInput(
            _("ID number %(n)s starts with an unknown region code %(r)s.")
            % {"n": mask_id_number(number), "r": number[:6]},
            field=field,
        ) from exc
    birth = ric.get_birth_date(number)
    if birth > (today or date.today()):
        raise InvalidInput(
            _("ID number %(n)s gives a birth date in the future.") % {"n": mask_id_number(number)}, field=field
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumber(number=number, birth_date=birth, sex=sex, region_code=number[:6])


def make_id_number(region_code: str, birth: date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): odd ``sequence`` for men, even for women."""
    body = f"{region_code}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
