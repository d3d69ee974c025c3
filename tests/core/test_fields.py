"""``core.fields.JSONTextField``: JSON kept as compact text, decoded on every read."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.fields import JSONTextField


def test_values_are_written_compact_with_chinese_kept() -> None:
    field = JSONTextField()
    assert field.get_prep_value({"技能": ["叉车"], "n": 1.5, "x": None}) == '{"技能":["叉车"],"n":1.5,"x":null}'
    assert field.get_prep_value(None) is None


def test_text_from_the_database_comes_back_as_the_value() -> None:
    field = JSONTextField()
    assert field.from_db_value('{"a": [1, 2]}', None, None) == {"a": [1, 2]}
    assert field.from_db_value(None, None, None) is None


def test_text_that_is_not_json_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValidationError) as refused:
        JSONTextField().to_python('{"a": ')
    assert refused.value.code == "invalid"
