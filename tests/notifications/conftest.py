from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.notifications.fakes import FakeProviders


@pytest.fixture
def providers() -> Iterator[FakeProviders]:
    fake = FakeProviders().start()
    yield fake
    fake.stop()


def tencent_options(fake: FakeProviders, **extra: Any) -> dict[str, Any]:
    return {
        "secret_id": "AKIDtest",
        "secret_key": "test-secret",
        "app_id": "1400000000",
        "sign_name": "鄂托克旗总工会",
        "endpoint": fake.host,
        "scheme": "http",
        "timeout": 1,
        "templates": {"application.invited": "100001", "fair.interviews_tomorrow": "100002"},
        **extra,
    }


def wechat_options(fake: FakeProviders, **extra: Any) -> dict[str, Any]:
    return {
        "app_id": "wx0000000000000000",
        "app_secret": "secret",
        "api_base": fake.url,
        "timeout": 1.0,
        "templates": {
            "application.invited": {
                "template_id": "TPL-INVITE",
                "fields": {"thing1": "employer", "thing2": "posting", "thing3": "title"},
            }
        },
        **extra,
    }


# The jobs fixtures (Eve's company and posting, Wang as a member) serve the event tests here too.
from tests.jobs.conftest import employer, frank, other_employer, posting, wang  # noqa: E402

__all__ = ["employer", "frank", "other_employer", "posting", "wang"]
