"""The reliability tests reuse the job fairs' world (a fair, booths, attendees)."""

from tests.fairs.conftest import world  # noqa: F401  (a fixture)
