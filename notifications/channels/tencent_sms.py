"""SMS through Tencent Cloud SMS (腾讯云短信), with its official SDK (API version 2021-01-11).

Chinese SMS providers send only pre-approved templates: each kind maps to a template id in the
settings, and the kind's ``params`` (context keys, in order) fill the template's {1}, {2}, ....

The delivery's idempotency key travels as ``SessionContext``, which Tencent returns in the send
status reports; ``reconcile`` reads those reports for the number (PullSmsSendStatusByPhoneNumber)
to learn whether a message whose worker was killed mid-call went out, so it is neither lost nor
sent twice. (Status reports can lag behind the send by seconds; the sweeper asks only after the
delivery's lease, minutes later.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from notifications.channels.base import Message, PermanentError, ProviderError, Skip, TransientError

# Tencent's error codes worth another try later: its own trouble, the network, and rate limits
# that clear by themselves. Everything else (a bad number, a template refused, no balance) is final.
TRANSIENT_PREFIXES = (
    "ClientNetworkError",
    "ServerNetworkError",
    "InternalError",
    "RequestLimitExceeded",
    "LimitExceeded.DeliveryFrequencyLimit",
    "FailedOperation.Timeout",
)
# A template parameter longer than this is cut: Tencent refuses the whole message otherwise.
PARAM_LENGTH = 20


def _transient(code: str) -> bool:
    return code.startswith(TRANSIENT_PREFIXES)


class TencentSmsBackend:
    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        app_id: str,
        sign_name: str,
        templates: dict[str, str],
        region: str = "ap-guangzhou",
        endpoint: str = "sms.tencentcloudapi.com",
        scheme: str = "https",
        timeout: int = 10,
        **options: Any,
    ) -> None:
        http = HttpProfile(protocol=scheme, endpoint=endpoint, reqTimeout=timeout)
        self.client = sms_client.SmsClient(
            credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http)
        )
        self.app_id, self.sign_name, self.templates = app_id, sign_name, templates

    @staticmethod
    def _number(message: Message) -> str:
        return f"+86{message.address}"

    def send(self, message: Message) -> str:
        template = self.templates.get(message.kind)
        if not template:
            raise Skip("no_template", f"no Tencent SMS template for {message.kind}")
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template
        request.TemplateParamSet = [str(value)[:PARAM_LENGTH] for value in message.params]
        request.PhoneNumberSet = [self._number(message)]
        request.SessionContext = message.key
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise self._error(exc.get_code() or "", exc.get_message() or "") from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise TransientError("Tencent SMS answered without a send status", code="EmptyResponse")
        status = statuses[0]
        if status.Code != "Ok":
            raise self._error(status.Code or "", status.Message or "")
        return str(status.SerialNo or "")

    @staticmethod
    def _error(code: str, text: str) -> ProviderError:
        detail = f"{code}: {text}"[:300]
        return TransientError(detail, code=code) if _transient(code) else PermanentError(detail, code=code)

    def reconcile(self, message: Message) -> bool | None:
        since = (message.claimed_at or timezone.now()) - dt.timedelta(minutes=1)
        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.SmsSdkAppId = self.app_id
        request.PhoneNumber = self._number(message)
        request.BeginTime = int(since.timestamp())
        request.EndTime = int(timezone.now().timestamp())
        request.Offset = 0
        request.Limit = 100
        try:
            response = self.client.PullSmsSendStatusByPhoneNumber(request)
        except TencentCloudSDKException:
            return None
        return any(row.SessionContext == message.key for row in response.PullSmsSendStatusSet or [])
