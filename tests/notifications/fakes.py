"""Local stand-ins for the providers' HTTP APIs: a real HTTP server on 127.0.0.1 that answers as
Tencent Cloud SMS (API 3.0: one URL, the action in the X-TC-Action header) and the WeChat
subscription-message API do, and records what it was sent. The adapters under test talk to it
over HTTP exactly as they would to the providers; nothing of ours is mocked."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class FakeProviders:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sms: list[dict[str, Any]] = []  # every SendSms request body received
        self.wechat: list[dict[str, Any]] = []  # every subscribe/send body received
        self.tokens_issued = 0
        # How the next requests are answered: "ok", "timeout", "error:<Code>", "status:<Code>".
        self.sms_mode = "ok"
        self.wechat_mode = "ok"  # "ok", "timeout", "errcode:<n>", "http:<status>"
        self.delay = 0.0  # seconds every SendSms waits before answering
        self.hang = 3.0  # seconds a "timeout" answer waits
        self.valid_token = ""
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def start(self) -> FakeProviders:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sms_keys(self) -> list[str]:
        with self.lock:
            return [body.get("SessionContext", "") for body in self.sms]

    # --- the handler ----------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                url = urlparse(self.path)
                if url.path == "/" and self.headers.get("X-TC-Action"):
                    self._tencent(self.headers["X-TC-Action"], body)
                elif url.path == "/cgi-bin/stable_token":
                    with fake.lock:
                        fake.tokens_issued += 1
                        fake.valid_token = f"token-{fake.tokens_issued}"
                    self._answer(200, {"access_token": fake.valid_token, "expires_in": 7200})
                elif url.path == "/cgi-bin/message/subscribe/send":
                    self._wechat(parse_qs(url.query).get("access_token", [""])[0], body)
                else:
                    self._answer(404, {"errcode": 404})

            def _tencent(self, action: str, body: dict[str, Any]) -> None:
                request_id = str(uuid.uuid4())
                if action == "SendSms":
                    with fake.lock:
                        fake.sms.append(body)
                        mode = fake.sms_mode
                    if fake.delay:
                        time.sleep(fake.delay)
                    if mode == "timeout":
                        time.sleep(fake.hang)
                    if mode.startswith("error:"):
                        code = mode.split(":", 1)[1]
                        error = {"Code": code, "Message": "fake error"}
                        self._answer(200, {"Response": {"Error": error, "RequestId": request_id}})
                        return
                    code = mode.split(":", 1)[1] if mode.startswith("status:") else "Ok"
                    statuses = [
                        {
                            "SerialNo": f"serial-{len(fake.sms)}",
                            "PhoneNumber": number,
                            "Fee": 1,
                            "SessionContext": body.get("SessionContext", ""),
                            "Code": code,
                            "Message": "send success" if code == "Ok" else "refused",
                            "IsoCode": "CN",
                        }
                        for number in body.get("PhoneNumberSet", [])
                    ]
                    self._answer(200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}})
                elif action == "PullSmsSendStatusByPhoneNumber":
                    with fake.lock:
                        rows = [
                            {
                                "UserReceiveTime": int(time.time()),
                                "CountryCode": "86",
                                "SubscriberNumber": number[3:],
                                "PhoneNumber": number,
                                "SerialNo": "serial",
                                "ReportStatus": "SUCCESS",
                                "Description": "DELIVRD",
                                "SessionContext": sent.get("SessionContext", ""),
                            }
                            for sent in fake.sms
                            for number in sent.get("PhoneNumberSet", [])
                            if number == body.get("PhoneNumber")
                        ]
                    self._answer(200, {"Response": {"PullSmsSendStatusSet": rows, "RequestId": request_id}})
                else:
                    error = {"Code": "InvalidAction", "Message": action}
                    self._answer(200, {"Response": {"Error": error, "RequestId": request_id}})

            def _wechat(self, token: str, body: dict[str, Any]) -> None:
                with fake.lock:
                    mode = fake.wechat_mode
                    valid = token == fake.valid_token
                if not valid:
                    self._answer(200, {"errcode": 40001, "errmsg": "invalid credential"})
                    return
                with fake.lock:
                    fake.wechat.append(body)
                if mode == "timeout":
                    time.sleep(fake.hang)
                if mode.startswith("http:"):
                    self._answer(int(mode.split(":")[1]), {})
                elif mode.startswith("errcode:"):
                    self._answer(200, {"errcode": int(mode.split(":")[1]), "errmsg": "fake"})
                else:
                    self._answer(200, {"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(fake.wechat)})

        return Handler
