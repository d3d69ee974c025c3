"""Two threshold parts of a re-match finishing at once (``matching.services.rematch_run_part``): the
run's row is locked before a part looks at the others, so exactly one of them assembles the run's
thresholds and sends the seeker chunks, once. Without the lock each saw the other undone (not yet
committed) and nobody sent them."""

from __future__ import annotations

import contextlib
import threading

import pytest

from households.models import Member
from matching import services
from matching.models import RematchRun
from tests.matching.world import Broker, broker, fresh_market, region, whole
from tests.reliability.races import postgres_only, race

pytestmark = postgres_only
__all__ = ["broker", "fresh_market", "region"]

CHUNK = "matching.rematch_run_chunk"


def test_two_parts_finishing_at_once_send_the_chunks_once(
    region: list[Member], broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.rematch_all(chunk_size=5)
    run = RematchRun.objects.get()
    *first, one, other = run.threshold_parts.order_by("index").values_list("pk", flat=True)
    for pk in first:
        services.rematch_run_part(pk)
    # Both parts have marked themselves done (not yet committed) when either looks at the others.
    together = threading.Barrier(2, timeout=20)
    assemble = services._assemble_thresholds

    looked = threading.Barrier(2)

    def after_both(run_id: int) -> bool:
        together.wait()
        assembled = assemble(run_id)
        # Neither commits before both have looked, unless the run's lock keeps one of them waiting.
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait(timeout=2)
        return assembled

    monkeypatch.setattr(services, "_assemble_thresholds", after_both)
    outcomes = race([lambda: services.rematch_run_part(one), lambda: services.rematch_run_part(other)])

    assert all(isinstance(n, int) and n > 0 for n in outcomes), outcomes
    run.refresh_from_db()
    assert run.thresholds == whole()
    assert sorted(broker.of(CHUNK)) == sorted(run.chunks.values_list("pk", flat=True)), "sent exactly once"
