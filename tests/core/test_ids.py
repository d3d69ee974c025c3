from typing import Any

import pytest

from core.errors import NotFound
from core.ids import MAX_ID, int_pk
from households import selectors as household_selectors
from jobs import selectors as job_selectors


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        ("7", 7),
        (" 12 ", 12),
        ("abc", 0),
        ("", 0),
        (None, 0),
        ("1.5", 0),
        ("-3", 0),
        (-3, 0),
        (0, 0),
        (True, 0),
        ("１２", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), 0),
        (10**30, 0),
    ],
)
def test_only_a_positive_integer_that_fits_a_bigint_is_an_id(value: object, expected: int) -> None:
    assert int_pk(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["abc", "", "1e3", str(10**30)])
def test_a_malformed_id_is_no_such_record_not_a_crash(people: Any, household_a: Any, raw: str) -> None:
    with pytest.raises(NotFound):
        household_selectors.member_get_for(people.alice, raw)
    with pytest.raises(NotFound):
        household_selectors.household_get_for(people.alice, raw)
    with pytest.raises(NotFound):
        job_selectors.posting_get_for(people.alice, raw)
    member = household_a.members.first()
    assert household_selectors.member_get_for(people.alice, str(member.pk)) == member
