"""Where bundles are analyzed: a local pool of worker processes, or a Dask cluster.

Both call `worker.process` on every task and hand each result to `on_result` as it arrives,
in whatever order the workers finish; the caller sorts. Neither ever raises for one bundle.

Local: N processes (forkserver on Linux, so each starts from a clean, pre-imported image), each
loading the pattern library once. Tasks go out one at a time with at most two in flight per
worker, so a slow bundle never holds up a queue of others. The parent watches each worker:
one that dies (a segfault, the OOM killer) costs the bundle it was on — recorded as a crash —
and is replaced; one stuck past the bundle time limit plus a margin (native code the in-worker
alarm cannot interrupt) is killed and replaced, and the bundle is recorded as a timeout.

Dask: `dask.distributed` (the `dask` extra) — a `Client` to `--scheduler`, or a `LocalCluster`
of N single-threaded worker processes. Tasks go out in chunks; a chunk whose worker died is
retried bundle by bundle, one at a time, so the crash is pinned on one bundle. Local paths must be
readable at the same paths on every worker; bundles in object storage are read by the workers
from the store; reports come back with the rows (`Settings.report_back`), so OUTDIR is only the
client's.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from analyzer.batch import worker
from analyzer.batch.timeouts import describe
from analyzer.batch.worker import Settings, Task

OnResult = Callable[[dict[str, Any]], None]
IN_FLIGHT = 2  # tasks queued per local worker: the next one is there when the current one ends
POLL_SECONDS = 0.25
WORKER_WAIT_S = 30  # a --scheduler cluster with no worker yet: how long to wait before cutting chunks
MAX_STARTUP_DEATHS = 3  # workers dying before they are ready, in a row: they cannot run at all
READY = "ready"  # a local worker's first message: its pattern library is loaded


class EngineError(Exception):
    """The engine itself cannot run (workers die on start, no scheduler)."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def hard_limit(timeout: float | None) -> float | None:
    """How long the parent lets a local worker sit on one bundle before killing it."""
    return None if not timeout or timeout <= 0 else timeout + max(5.0, timeout / 2)


# ---------------------------------------------------------------- local


def _serve(conn: Connection, settings: Settings) -> None:
    """A local worker: analyze each task received, send each result back, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        worker.knowledge(settings.pattern_dirs)
        conn.send(READY)
        while True:
            task = conn.recv()
            if task is None:
                return
            conn.send(worker.process(task, settings))
    except (EOFError, OSError):  # the parent is gone (a Ctrl-C ended the batch): so is this worker
        return


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Ctrl-C held back while a worker (or the forkserver) starts: the child inherits SIGINT
    blocked, so a Ctrl-C during its start-up never prints a worker traceback; the parent gets
    its own Ctrl-C as soon as the start is done and ends the batch."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _context():
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["analyzer.batch.preload"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Slot:
    process: Any
    conn: Connection
    tasks: deque = field(default_factory=deque)  # in flight; the first is being analyzed
    since: float = 0.0  # when the first in-flight task started
    ready: bool = False


class LocalEngine:
    def __init__(self, settings: Settings, jobs: int):
        self.settings = settings
        self.jobs = max(1, jobs)
        self.limit = hard_limit(settings.timeout)
        self._context = _context()
        self._startup_deaths = 0

    def run(self, tasks: list[Task], on_result: OnResult) -> None:
        pending: deque[Task] = deque(tasks)
        slots: list[_Slot] = []
        try:
            for _ in range(min(self.jobs, len(pending))):
                slots.append(self._start())
            for slot in slots:
                self._fill(slot, pending)
            while any(slot.tasks for slot in slots):
                self._step(slots, pending, on_result)
        finally:
            for slot in slots:
                self._stop(slot)

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.settings), daemon=True,
                                        name="sccache-forensics-batch")
        with _sigint_held():
            process.start()
        child.close()
        return _Slot(process, parent)

    def _fill(self, slot: _Slot, pending: deque[Task]) -> None:
        while pending and len(slot.tasks) < IN_FLIGHT:
            task = pending.popleft()
            if not slot.tasks:
                slot.since = time.monotonic()
            slot.tasks.append(task)
            try:
                slot.conn.send(task)
            except (BrokenPipeError, OSError):
                return  # the worker is gone; _step notices its sentinel

    def _step(self, slots: list[_Slot], pending: deque[Task], on_result: OnResult) -> None:
        busy = [slot for slot in slots if slot.tasks]
        waitables = [slot.conn for slot in busy] + [slot.process.sentinel for slot in busy]
        ready = set(wait(waitables, timeout=POLL_SECONDS))
        now = time.monotonic()
        for index, slot in enumerate(slots):
            if not slot.tasks:
                continue
            if slot.conn in ready and self._receive(slot, on_result):
                self._fill(slot, pending)
                continue
            if slot.process.sentinel in ready or not slot.process.is_alive():
                self._receive(slot, on_result)  # results sent just before it died
                if slot.tasks:
                    slots[index] = self._replace(slot, pending, on_result, self._death(slot.process))
            elif self.limit is not None and now - slot.since > self.limit:
                slots[index] = self._replace(slot, pending, on_result, describe(self.settings.timeout or 0),
                                             kill=True)
        for slot in slots:  # bundles requeued from a replaced worker go to whoever has room
            self._fill(slot, pending)

    def _receive(self, slot: _Slot, on_result: OnResult) -> bool:
        got = False
        try:
            while slot.tasks and slot.conn.poll():
                result = slot.conn.recv()
                slot.since = time.monotonic()
                if result == READY:
                    slot.ready = True
                    self._startup_deaths = 0
                    continue
                slot.tasks.popleft()
                got = True
                on_result(result)
        except (EOFError, OSError):
            pass
        return got

    def _replace(self, slot: _Slot, pending: deque[Task], on_result: OnResult, reason: str,
                 kill: bool = False) -> _Slot:
        """Record the bundle the worker was on, requeue the rest, start a fresh worker."""
        if kill:
            slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        if not slot.ready:  # it never started a bundle: blame none
            self._startup_deaths += 1
            if self._startup_deaths >= MAX_STARTUP_DEATHS:
                raise EngineError(f"batch workers die on start ({reason})")
            pending.extendleft(reversed(slot.tasks))
        else:
            stuck = slot.tasks.popleft()
            pending.extendleft(reversed(slot.tasks))
            on_result(worker.failed_result(stuck, reason))
        fresh = self._start()
        self._fill(fresh, pending)
        return fresh

    @staticmethod
    def _death(process) -> str:
        process.join(1)
        code = process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"worker crashed (killed by {name})"
        return f"worker crashed (exit code {code})"

    @staticmethod
    def _stop(slot: _Slot) -> None:
        if slot.process.is_alive():
            try:
                slot.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            slot.process.join(2)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(2)
        slot.conn.close()


# ---------------------------------------------------------------- dask


class DaskEngine:
    def __init__(self, settings: Settings, jobs: int, scheduler: str | None = None):
        self.settings = settings
        self.jobs = max(1, jobs)
        self.scheduler = scheduler

    def run(self, tasks: list[Task], on_result: OnResult) -> None:
        if not tasks:
            return
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as error:
            raise EngineError("the dask engine needs dask.distributed: pip install 'sccache-forensics[dask]'") \
                from error
        import logging

        cluster = None
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            if self.scheduler:
                try:
                    client = Client(self.scheduler, timeout="30s")
                except OSError as error:
                    raise EngineError(f"cannot reach the Dask scheduler {self.scheduler}: {error}") from error
            else:
                cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
                client = Client(cluster)
            try:
                self._run(client, tasks, on_result)
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()

    def _run(self, client, tasks: list[Task], on_result: OnResult) -> None:
        from dask.distributed import as_completed

        slots = self._slots(client) if self.scheduler else self.jobs
        size = max(1, min(32, math.ceil(len(tasks) / (slots * 8))))
        chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
        futures = client.map(worker.process_many, chunks, settings=self.settings, pure=False)
        chunk_of = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
        failed: list[Task] = []
        for future in as_completed(futures):
            try:
                results = future.result()
            except Exception:  # the worker died under this chunk (KilledWorker) or the task was lost
                failed.extend(chunk_of[future.key])
                continue
            finally:
                future.release()
            for result in results:
                on_result(result)
        for task in failed:  # one at a time: a worker that dies now died of this bundle alone
            single = client.submit(worker.process_many, [task], settings=self.settings, pure=False)
            try:
                results = single.result()
            except Exception as error:
                results = [worker.failed_result(task, f"worker crashed ({type(error).__name__})")]
            finally:
                single.release()
            for result in results:
                on_result(result)


    @staticmethod
    def _slots(client) -> int:
        """The cluster's worker threads, not this machine's CPUs: chunks are cut so every
        worker of a large cluster gets some (waiting up to `WORKER_WAIT_S` for a first one)."""
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except Exception:  # none yet: tasks wait in the scheduler until one joins
            pass
        try:
            workers = client.scheduler_info().get("workers", {}).values()
            return max(1, sum(int(w.get("nthreads") or 1) for w in workers))
        except Exception:
            return 1


def engine(name: str, settings: Settings, jobs: int | None = None, scheduler: str | None = None):
    jobs = jobs or default_jobs()
    if name == "dask":
        return DaskEngine(settings, jobs, scheduler)
    if name == "local":
        return LocalEngine(settings, jobs)
    raise EngineError(f"unknown engine {name!r} (local or dask)")
