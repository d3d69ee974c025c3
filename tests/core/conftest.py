"""The database-role test works on the fund world (tests/funds/conftest.py)."""

from tests.funds.conftest import purposes, world  # noqa: F401  (fixtures)
