"""Run an iterator on a helper thread, one item ahead of its consumer.

The fast scan's C-speed half (file reads, zlib, transcoding, hyperscan, numpy) releases the
GIL, so on a helper thread it runs alongside the Python half that parses the candidates:
one big input uses two cores. The helper starts on the next item only once the consumer has
taken the previous one, so it is never more than one block ahead: the reading layer's limits
(the time limit is checked at every read) bite as late as they do without it, by one block.
The helper stops when the consumer stops (exhausted, closed early or failed), and an
exception in the helper is raised in the consumer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()
_POLL = 0.1


def background(items: Iterable[T]) -> Iterator[T]:
    ready: queue.Queue = queue.Queue(maxsize=1)
    taken = threading.Semaphore(1)  # released each time the consumer takes an item
    stop = threading.Event()

    def wait_turn() -> bool:
        while not stop.is_set():
            if taken.acquire(timeout=_POLL):
                return True
        return False

    def work() -> None:
        try:
            iterator = iter(items)
            while wait_turn():
                item = next(iterator, _DONE)
                ready.put((None, item))
                if item is _DONE:
                    return
        except BaseException as error:  # handed to the consumer, raised there
            ready.put((error, None))

    helper = threading.Thread(target=work, name="fastscan-reader", daemon=True)
    helper.start()
    try:
        while True:
            error, item = ready.get()
            taken.release()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        helper.join()
