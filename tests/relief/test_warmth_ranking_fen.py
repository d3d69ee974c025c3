"""Income per head read from the archive's text in whole fen, as ``int(Decimal(text) * 100)`` would."""

from decimal import Decimal

import pytest

from relief.warmth.ranking import _fen


@pytest.mark.parametrize(
    "text", ["0", "800", "800.5", "800.50", "1234.56", "1234.567", "0.01", "0.009", "1E+3", "-12.34", "00012.3", "7."]
)
def test_fen_is_what_decimal_gives(text: str) -> None:
    assert _fen(text) == int(Decimal(text) * 100)
