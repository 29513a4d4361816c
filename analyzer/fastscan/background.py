"""Run an iterator on a helper thread, a few items ahead of its consumer.

The fast scan's C-speed half (file reads, zlib, transcoding, hyperscan, numpy) releases the
GIL, so on a helper thread it runs alongside the Python half that parses the candidates:
one big input uses two cores. The helper stops when the consumer stops (exhausted, closed
early or failed), and an exception in the helper is raised in the consumer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
DEPTH = 2  # items the helper may hold ready (each a block of up to 2 MB and its line-end mask)
_DONE = object()


def background(items: Iterable[T], depth: int = DEPTH) -> Iterator[T]:
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((None, item)):
                    return
            put((None, _DONE))
        except BaseException as error:  # handed to the consumer, raised there
            put((error, None))

    helper = threading.Thread(target=work, name="fastscan-reader", daemon=True)
    helper.start()
    try:
        while True:
            error, item = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        helper.join()
