"""WeChat subscription messages (小程序订阅消息) through the WeChat HTTP API, with httpx.

wechatpy, the usual wrapper, has had no release since 2021; the two calls needed here are small
enough to make directly: an access token (cached until shortly before it expires) and
``message/subscribe/send``. Each kind maps to a template and its fields in the settings::

    {"application.invited": {"template_id": "…", "fields": {"thing1": "employer", "thing2": "posting"}}}

WeChat takes no idempotency key and cannot be asked afterwards whether a message went out, so a
delivery whose worker was killed mid-call is marked "outcome unknown", never sent twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from django.core.cache import cache

from notifications.channels.base import Message, PermanentError, Skip, TransientError

TOKEN_ERRORS = {40001, 40014, 42001}  # the token expired or was replaced: fetch another once
TRANSIENT_ERRORS = {-1, 45009, 45011, 45047}  # system busy, rate limits
REFUSED = 43101  # the person has not subscribed (or used up their one-time subscription)
FIELD_LENGTH = 20  # the "thing" fields take at most 20 characters


class WeChatSubscribeBackend:
    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        templates: dict[str, dict[str, Any]],
        api_base: str = "https://api.weixin.qq.com",
        page: str = "pages/index/index?path={link}",
        state: str = "formal",
        timeout: float = 10.0,
        **options: Any,
    ) -> None:
        self.app_id, self.app_secret, self.templates = app_id, app_secret, templates
        self.api_base, self.page, self.state = api_base.rstrip("/"), page, state
        self.timeout = timeout

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_base, timeout=self.timeout)

    def _token(self, client: httpx.Client, *, fresh: bool = False) -> str:
        key = f"notifications:wechat-token:{self.app_id}"
        token = None if fresh else cache.get(key)
        if token:
            return str(token)
        response = client.post(
            "/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self.app_secret,
                "force_refresh": fresh,
            },
        )
        data = self._json(response)
        if "access_token" not in data:
            raise self._error(data)
        cache.set(key, data["access_token"], max(60, int(data.get("expires_in", 7200)) - 300))
        return str(data["access_token"])

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 500:
            raise TransientError(f"WeChat answered HTTP {response.status_code}", code=str(response.status_code))
        if response.status_code != 200:
            raise PermanentError(f"WeChat answered HTTP {response.status_code}", code=str(response.status_code))
        try:
            data = response.json()
        except ValueError as exc:
            raise TransientError("WeChat answered something that is not JSON", code="json") from exc
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _error(data: dict[str, Any]) -> Exception:
        code = int(data.get("errcode", -1))
        detail = f"{code}: {data.get('errmsg', '')}"[:300]
        if code in TRANSIENT_ERRORS:
            return TransientError(detail, code=str(code))
        return PermanentError(detail, code=str(code))

    def send(self, message: Message) -> str:
        template = self.templates.get(message.kind)
        if not template:
            raise Skip("no_template", f"no WeChat template for {message.kind}")
        fields: dict[str, str] = template.get("fields", {})
        payload = {
            "touser": message.address,
            "template_id": template["template_id"],
            "page": self.page.format(link=quote(message.link, safe="")),
            "miniprogram_state": self.state,
            "lang": "zh_CN" if message.language.startswith("zh") else "en_US",
            "data": {
                name: {"value": (message.title if key == "title" else str(message.context.get(key, "")))[:FIELD_LENGTH]}
                for name, key in fields.items()
            },
        }
        try:
            with self._client() as client:
                data: dict[str, Any] = {}
                for fresh in (False, True):
                    token = self._token(client, fresh=fresh)
                    data = self._json(
                        client.post("/cgi-bin/message/subscribe/send", params={"access_token": token}, json=payload)
                    )
                    if int(data.get("errcode", 0)) not in TOKEN_ERRORS:
                        break
        except httpx.TimeoutException as exc:
            raise TransientError("WeChat did not answer in time", code="timeout") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"WeChat could not be reached: {exc}"[:300], code="network") from exc
        code = int(data.get("errcode", 0))
        if code == 0:
            return str(data.get("msgid", ""))
        if code == REFUSED:
            raise Skip("opted_out", "the person has not subscribed to this message in WeChat")
        raise self._error(data)

    def reconcile(self, message: Message) -> bool | None:
        return None
