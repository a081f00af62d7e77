"""Control records in a real embedded Chroma: first writer wins, conditional release, expiry."""

from __future__ import annotations

from pathlib import Path

from licensebot.index.store.chroma import ChromaStore


def test_claim_release_and_expire(tmp_path: Path) -> None:
    control = ChromaStore(path=tmp_path / "chroma").control
    assert control.claim("lock:x", "a", {"kind": "lock", "at": 1.0})["owner"] == "a"
    assert control.claim("lock:x", "b", {"kind": "lock", "at": 2.0})["owner"] == "a"
    control.release("lock:x", "b")  # not the holder: nothing happens
    assert control.read("lock:x")["owner"] == "a"  # type: ignore[index]
    control.release("lock:x", "a")
    assert control.read("lock:x") is None

    control.write("event:old", {"kind": "event", "owner": "a", "at": 1.0})
    control.write("event:new", {"kind": "event", "owner": "a", "at": 5e9})
    control.write("lock:y", {"kind": "lock", "owner": "a", "at": 1.0})
    control.expire("event", before=1e9)
    assert control.read("event:old") is None
    assert control.read("event:new") is not None and control.read("lock:y") is not None
