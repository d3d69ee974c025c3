"""The provider adapters against a local fake of each provider's HTTP API (a real server on
127.0.0.1): what they send, how they read the answers, and how failures are classified."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from notifications.channels.base import Message, PermanentError, Skip, TransientError
from notifications.channels.email import EmailBackend
from notifications.channels.tencent_sms import TencentSmsBackend
from notifications.channels.wechat import WeChatSubscribeBackend
from tests.notifications.conftest import tencent_options, wechat_options
from tests.notifications.fakes import FakeProviders


def message(**changes: Any) -> Message:
    values: dict[str, Any] = {
        "key": "0f3c9a1b2c3d4e5f60718293a4b5c6d7",
        "channel": "sms",
        "kind": "application.invited",
        "address": "13847700001",
        "title": "鄂托克旗利民物流有限公司邀请您应聘叉车司机",
        "body": "",
        "link": "http://relief.example.org/jobs/5/",
        "language": "zh-hans",
        "params": ("鄂托克旗利民物流有限公司", "叉车司机"),
        "context": {"employer": "鄂托克旗利民物流有限公司", "posting": "叉车司机"},
        "claimed_at": timezone.now(),
    }
    values.update(changes)
    return Message(**values)


class TestTencentSms:
    def test_a_message_goes_out_with_its_template_number_and_key(self, providers: FakeProviders) -> None:
        backend = TencentSmsBackend(**tencent_options(providers))
        serial = backend.send(message())
        assert serial == "serial-1"
        [sent] = providers.sms
        assert sent["PhoneNumberSet"] == ["+8613847700001"]
        assert sent["TemplateId"] == "100001"
        assert sent["SmsSdkAppId"] == "1400000000"
        assert sent["SignName"] == "鄂托克旗总工会"
        assert sent["SessionContext"] == "0f3c9a1b2c3d4e5f60718293a4b5c6d7"
        # Template parameters are cut to what Tencent takes.
        assert sent["TemplateParamSet"] == ["鄂托克旗利民物流有限公司", "叉车司机"]

    def test_a_kind_without_an_approved_template_is_skipped_without_a_call(self, providers: FakeProviders) -> None:
        backend = TencentSmsBackend(**tencent_options(providers))
        with pytest.raises(Skip) as caught:
            backend.send(message(kind="training.seat"))
        assert caught.value.reason == "no_template"
        assert providers.sms == []

    def test_a_refused_number_is_a_permanent_failure(self, providers: FakeProviders) -> None:
        providers.sms_mode = "status:InvalidParameterValue.IncorrectPhoneNumber"
        with pytest.raises(PermanentError) as caught:
            TencentSmsBackend(**tencent_options(providers)).send(message())
        assert "IncorrectPhoneNumber" in str(caught.value)

    def test_tencents_internal_error_is_worth_another_try(self, providers: FakeProviders) -> None:
        providers.sms_mode = "error:InternalError.Timeout"
        with pytest.raises(TransientError):
            TencentSmsBackend(**tencent_options(providers)).send(message())

    def test_no_balance_is_final(self, providers: FakeProviders) -> None:
        providers.sms_mode = "error:FailedOperation.InsufficientBalanceInSmsPackage"
        with pytest.raises(PermanentError):
            TencentSmsBackend(**tencent_options(providers)).send(message())

    def test_a_provider_that_does_not_answer_in_time_is_a_transient_failure(self, providers: FakeProviders) -> None:
        providers.sms_mode, providers.hang = "timeout", 2.5
        with pytest.raises(TransientError) as caught:
            TencentSmsBackend(**tencent_options(providers, timeout=1)).send(message())
        assert caught.value.code == "ClientNetworkError"

    def test_reconcile_finds_a_message_by_its_key_in_the_status_reports(self, providers: FakeProviders) -> None:
        backend = TencentSmsBackend(**tencent_options(providers))
        backend.send(message())
        assert backend.reconcile(message()) is True
        assert backend.reconcile(message(key="another-key")) is False
        assert backend.reconcile(message(address="13900000000")) is False


class TestWeChat:
    def test_a_subscription_message_fills_the_templates_fields(self, providers: FakeProviders) -> None:
        backend = WeChatSubscribeBackend(**wechat_options(providers))
        msgid = backend.send(message(channel="wechat", address="oOPENID123"))
        assert msgid == "1001"
        [sent] = providers.wechat
        assert sent["touser"] == "oOPENID123"
        assert sent["template_id"] == "TPL-INVITE"
        assert sent["data"]["thing1"] == {"value": "鄂托克旗利民物流有限公司"}
        assert sent["data"]["thing2"] == {"value": "叉车司机"}
        assert len(sent["data"]["thing3"]["value"]) <= 20  # WeChat's "thing" fields take 20 characters
        assert sent["page"].startswith("pages/index/index?path=http")

    def test_the_access_token_is_fetched_once_and_reused(self, providers: FakeProviders) -> None:
        backend = WeChatSubscribeBackend(**wechat_options(providers))
        backend.send(message(channel="wechat", address="oA"))
        backend.send(message(channel="wechat", address="oB"))
        assert providers.tokens_issued == 1

    def test_an_expired_token_is_replaced_and_the_message_still_goes(self, providers: FakeProviders) -> None:
        backend = WeChatSubscribeBackend(**wechat_options(providers))
        backend.send(message(channel="wechat", address="oA"))
        providers.valid_token = "rotated-elsewhere"  # another server fetched a new token
        backend.send(message(channel="wechat", address="oB"))
        assert [m["touser"] for m in providers.wechat] == ["oA", "oB"]
        assert providers.tokens_issued == 2

    def test_a_person_who_did_not_subscribe_is_skipped(self, providers: FakeProviders) -> None:
        providers.wechat_mode = "errcode:43101"
        with pytest.raises(Skip):
            WeChatSubscribeBackend(**wechat_options(providers)).send(message(channel="wechat", address="oA"))

    @pytest.mark.parametrize("mode", ["errcode:45009", "http:502", "timeout"])
    def test_rate_limits_server_errors_and_time_outs_are_transient(self, providers: FakeProviders, mode: str) -> None:
        providers.wechat_mode, providers.hang = mode, 2.0
        with pytest.raises(TransientError):
            WeChatSubscribeBackend(**wechat_options(providers)).send(message(channel="wechat", address="oA"))

    def test_a_bad_template_is_permanent(self, providers: FakeProviders) -> None:
        providers.wechat_mode = "errcode:40037"
        with pytest.raises(PermanentError):
            WeChatSubscribeBackend(**wechat_options(providers)).send(message(channel="wechat", address="oA"))


def test_email_carries_the_key_as_its_message_id(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    EmailBackend(domain="relief.example.org").send(
        message(channel="email", address="wang@example.org", body="请在三天内回复。")
    )
    [sent] = mail.outbox
    assert sent.to == ["wang@example.org"]
    assert sent.extra_headers["Message-ID"] == "<0f3c9a1b2c3d4e5f60718293a4b5c6d7@relief.example.org>"
    assert "http://relief.example.org/jobs/5/" in sent.body
