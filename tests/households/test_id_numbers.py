import datetime as dt

import pytest

from core.errors import InvalidInput
from households.id_numbers import make_id_number, normalize_id_number, parse_id_number

VALID = make_id_number("152725", dt.date(1985, 3, 14), 13)  # a man born 1985 in 鄂托克旗
VALID_X = next(
    n for n in (make_id_number("150624", dt.date(2003, 7, 1), s) for s in range(0, 400, 2)) if n.endswith("X")
)


def test_a_valid_number_gives_birth_date_sex_and_region():
    parsed = parse_id_number(VALID)
    assert parsed.birth_date == dt.date(1985, 3, 14)
    assert parsed.sex == "M"
    assert parsed.region_code == "152725"


def test_an_invalid_check_digit_is_refused_with_a_clear_message():
    wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    with pytest.raises(InvalidInput, match="check digit"):
        parse_id_number(wrong)


def test_a_birth_date_in_the_future_is_refused():
    future = dt.date.today() + dt.timedelta(days=40)
    number = make_id_number("150624", future, 21)
    with pytest.raises(InvalidInput, match="future"):
        parse_id_number(number)


def test_an_impossible_birth_date_is_refused():
    body = "15062420230230" + "021"  # 30 February
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(InvalidInput, match="impossible birth date"):
        parse_id_number(number)


def test_an_unknown_region_code_is_refused():
    body = "990000" + "19850314" + "013"
    from stdnum.cn import ric

    with pytest.raises(InvalidInput, match="unknown region"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))


def test_the_countys_own_code_passes_for_people_born_before_it_was_introduced():
    # 150624 has been 鄂托克旗's code since 2001; people born in 1985 registered there since carry it.
    parsed = parse_id_number(make_id_number("150624", dt.date(1985, 3, 14), 13))
    assert parsed.region_code == "150624"
    assert parse_id_number(make_id_number("150624", dt.date(1962, 11, 2), 14)).birth_date.year == 1962


def test_a_code_in_use_only_in_the_birth_year_passes_too():
    # 152725 (伊克昭盟's 鄂托克旗 before 2001) on the card of someone born in 1985.
    assert parse_id_number(make_id_number("152725", dt.date(1985, 3, 14), 13)).region_code == "152725"


def test_a_code_retired_before_the_birth_year_is_refused():
    # 110103 (崇文区) was merged away in 2010: no one born in 2012 was ever registered under it.
    with pytest.raises(InvalidInput, match="unknown region code 110103"):
        parse_id_number(make_id_number("110103", dt.date(2012, 5, 1), 13))
    assert parse_id_number(make_id_number("110103", dt.date(2008, 5, 1), 13)).region_code == "110103"


def test_a_county_code_never_used_in_a_known_province_is_refused():
    with pytest.raises(InvalidInput, match="unknown region code 150699"):
        parse_id_number(make_id_number("150699", dt.date(1985, 3, 14), 13))


@pytest.mark.parametrize("raw", ["", "   ", "1234", "15272519850314001", "1527251985031400123"])
def test_wrong_lengths_are_refused(raw):
    with pytest.raises(InvalidInput):
        parse_id_number(raw)


def test_full_width_digits_and_a_lower_case_x_are_accepted():
    full_width = VALID_X.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert parse_id_number(full_width).number == VALID_X
    assert parse_id_number(VALID_X.lower()).number == VALID_X
    assert normalize_id_number(f" {VALID_X[:6]} {VALID_X[6:]} ") == VALID_X


def test_letters_inside_the_number_are_refused():
    with pytest.raises(InvalidInput, match="17 digits"):
        parse_id_number(VALID[:5] + "A" + VALID[6:])
