"""CPU-heavy work (charts, workbooks) runs off the event loop, so the bot keeps answering
updates while digests and reports are built.

A process pool by default: rendering holds the GIL for most of its time, so a thread would
still slow the loop down. `RENDER_WORKERS=0` runs the work in a thread instead (for tests
and tiny deployments). The functions sent to the pool must be importable module-level
functions and their arguments picklable (plain dataclasses).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

_executor: Executor | None = None
_workers = 2


def configure(workers: int) -> None:
    """0 = a thread (no pool); n = a pool of n processes, started on first use."""
    global _workers
    _workers = workers


async def off_loop(fn: Callable[..., T], *args: Any) -> T:
    global _executor
    if _workers <= 0:
        return await asyncio.to_thread(fn, *args)
    for attempt in (1, 2):
        if _executor is None:
            # forkserver: a clean child, not a copy of a process with a loop and threads.
            context = multiprocessing.get_context("forkserver")
            _executor = ProcessPoolExecutor(max_workers=_workers, mp_context=context)
        try:
            return await asyncio.get_running_loop().run_in_executor(_executor, fn, *args)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): a new pool, and this drawing once more.
            log.warning("render pool broken; starting a new one (attempt %s)", attempt)
            shutdown()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def shutdown() -> None:
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)
        _executor = None
