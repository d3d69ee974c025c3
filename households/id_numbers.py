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
    except (InvalidComponent, KeyError) as exc:
        # stdnum raises InvalidComponent for an impossible birth date and for a region code it does
        # not hold as valid in the birth year (KeyError for a county code its table lacks); the
        # second is judged again by ``region_code_possible``.
        try:
            birth_year = ric.get_birth_date(number).year
        except InvalidComponent:
            raise InvalidInput(
                _("ID number %(n)s contains an impossible birth date.") % {"n": mask_id_number(number)}, field=field
            ) from exc
        if not region_code_possible(number[:6], birth_year):
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


def region_code_possible(code: str, birth_year: int) -> bool:
    """Could a number of someone born in ``birth_year`` carry the region code ``code``?

    A number is given when the person is first registered and re-given when they register
    elsewhere, so it carries a code in use at some time from the birth year on, not necessarily in
    the birth year itself: people of 鄂托克旗 born in 1975 carry 150624, a code in use since 2001
    (the banner's code under 伊克昭盟 was 152728). The region table's history (python-stdnum's
    ``cn/loc``, each county name marked with the years its code was in use) accepts every code
    in use in or after the birth year, and refuses codes never used and codes retired before the
    person was born."""
    from stdnum import numdb

    county = ""
    for _part, props in numdb.get("cn/loc").info(code):
        county = props.get("county", county)
    if not county:
        return False
    for name in county.split(","):
        if not name.startswith("["):
            return True  # in use throughout
        span = name[1:].split("]", 1)[0]
        _start, _sep, end = span.partition("-")
        if not end or int(end) >= birth_year:
            return True
    return False


def make_id_number(region_code: str, birth: date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): odd ``sequence`` for men, even for women."""
    body = f"{region_code}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
