"""SIGTERM and Ctrl-C as a cancellation of a running command, so that it settles and
records what it has in flight before it exits."""

from __future__ import annotations

import asyncio
import signal
import sys


def stop_on_signals(received: list[signal.Signals]) -> None:
    """Let SIGTERM (``kill``, ``docker stop``, systemd) and Ctrl-C cancel the running command,
    so batches in flight are settled and written before exiting, instead of the process dying
    with them unrecorded (a later ``--resume`` could then send them twice). Each signal caught
    is appended to ``received``.

    ``asyncio.run`` turns Ctrl-C into such a cancellation itself from Python 3.11 on, and
    then owns SIGINT; Python 3.10 raises KeyboardInterrupt wherever the loop happens to be,
    cancelling the batches in flight at once. SIGINT is taken here only while it still has
    Python's default handler: not when asyncio owns it, nor when it is ignored (a job started
    in the background).
    """
    main = asyncio.current_task()
    if main is None:
        return
    loop = asyncio.get_running_loop()

    def stop(caught: signal.Signals) -> None:
        received.append(caught)
        main.cancel()

    taken = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        taken.append(signal.SIGINT)
    for each in taken:
        if sys.platform == "win32":
            # asyncio's Windows loops take no signal handlers: a plain one hands the cancel to the loop.
            signal.signal(each, lambda number, _: loop.call_soon_threadsafe(stop, signal.Signals(number)))
        else:
            loop.add_signal_handler(each, stop, each)
