"""The per-bundle time limit, enforced inside the process that runs the bundle.

In a process's main thread (the local engine's workers) a SIGALRM timer interrupts the
analysis; elsewhere (Dask runs tasks in worker threads) a watchdog thread raises the timeout
in the analysing thread. Either way the exception lands between two Python instructions, so
a stretch of native code runs to its end first; the local engine also kills a worker that
overstays its limit by a margin (see engines.py), which covers that case.

`BundleTimeout` derives from BaseException so that the pipeline's own `except Exception`
safety nets (a parser that fails costs its member, not the bundle) do not swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class BundleTimeout(BaseException):
    """The bundle's analysis ran past its time limit."""


def describe(seconds: float) -> str:
    """`timeout after 120 s`, `timeout after 0.5 s`: the row's error text."""
    shown = f"{seconds:g}"
    return f"timeout after {shown} s"


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise BundleTimeout in the current thread when the block runs longer than `seconds`."""
    if not seconds or seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _watchdog(seconds):
            yield


def _raise_timeout(signum, frame):
    raise BundleTimeout()


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if state["done"]:
                return
            state["fired"] = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(BundleTimeout))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
        timer.cancel()
        if state["fired"]:  # raised already, or still pending: never let it escape later
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
