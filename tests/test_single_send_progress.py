"""What a send's own SendProgress costs when nobody passes one: nothing to check of a
callback it does not have."""

from __future__ import annotations

import inspect

import pytest

from krsms import SendProgress


def test_a_progress_without_on_batch_looks_up_no_call_method(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every send() makes one: a static look-up of NoneType.__call__ cost about 450 bytecode
    # instructions a send, a tenth of what the gateway adds to a single-recipient send.
    def looked_up(*args: object) -> object:
        raise AssertionError(f"getattr_static{args}")

    monkeypatch.setattr(inspect, "getattr_static", looked_up)
    assert SendProgress().on_batch is None


def test_an_async_on_batch_is_still_refused() -> None:
    class Saver:
        async def __call__(self, report: object) -> None: ...

    with pytest.raises(TypeError, match="plain function"):
        SendProgress(on_batch=Saver())  # type: ignore[arg-type]
