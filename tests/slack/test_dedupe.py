from __future__ import annotations

from licensebot.slack.dedupe import SeenEvents
from tests.fakes import MemoryControl


def test_a_repeat_to_the_same_process_is_dropped() -> None:
    seen = SeenEvents()
    assert seen.first_time("Ev1") and not seen.first_time("Ev1") and seen.first_time("Ev2")


def test_replicas_sharing_control_records_answer_an_event_once() -> None:
    shared = MemoryControl()
    a, b = SeenEvents(shared), SeenEvents(shared)
    assert a.first_time("Ev1")
    assert not b.first_time("Ev1")
    assert b.first_time("Ev2") and not a.first_time("Ev2")


def test_an_unreachable_shared_store_falls_back_to_local_memory() -> None:
    shared = MemoryControl()
    shared.down = True
    seen = SeenEvents(shared)
    assert seen.first_time("Ev1") and not seen.first_time("Ev1")


def test_old_claims_expire() -> None:
    shared = MemoryControl()
    shared.write("event:old", {"kind": "event", "owner": "x", "at": 1.0})
    seen = SeenEvents(shared, ttl=60.0)
    for i in range(500):
        seen.first_time(f"Ev{i}")
    assert shared.read("event:old") is None and shared.read("event:Ev499") is not None
