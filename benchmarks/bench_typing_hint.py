"""The "understood as" hint while a worker types: the whole request through the service.

    python benchmarks/bench_typing_hint.py [--requests 200]

Target (issue 4): one phrase while typing in under 20 ms. Prints the cold first request (the
process builds the resolver, and jieba loads its dictionary) and p50/p95 after that, for the
skill hint and the desired-work (occupation) hint, on the embedded default.
"""

from __future__ import annotations

import argparse
import random
import time

from _setup import percentile, start

PHRASES = [
    "开叉车",
    "会电焊",
    "持A2驾照三年",
    "熟练掌握excel",
    "做过月嫂",
    "會開吊車",
    "放羊接羔",
    "直播卖货",
    "修手机",
    "蒙汉翻译",
    "本人会开挖掘机也会修车",
    "吃苦耐劳",
    "xyz",
    "气修",
    "保母",
]
TITLES = ["叉车司机", "想进厂当电焊工", "跑货运开大车", "当保安", "超市收银", "饭店后厨", "煤矿井下", "幼儿园老师"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    start()
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Role, User

    client = Client()
    client.force_login(User.objects.create(username="worker", role=Role.WORKER))
    rng = random.Random(3)
    for label, url, param, texts in (
        ("skill hint", reverse("skills:resolve"), "phrase", PHRASES),
        ("occupation hint", reverse("skills:code_hint"), "q", TITLES),
    ):
        started = time.perf_counter()
        client.get(url, {param: texts[0]})
        cold = (time.perf_counter() - started) * 1000
        times = []
        for i in range(args.requests):
            # Typing: each request is the phrase so far, so most requests are new strings.
            text = rng.choice(texts)
            text = text[: rng.randint(1, len(text))] + ("" if i % 3 else str(i))
            started = time.perf_counter()
            response = client.get(url, {param: text})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"{label:<16} cold first request {cold:7.0f} ms; then p50 {percentile(times, 0.5):5.1f} ms, "
            f"p95 {percentile(times, 0.95):5.1f} ms over {args.requests} requests [target < 20 ms]"
        )


if __name__ == "__main__":
    main()
