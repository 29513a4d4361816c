"""A --scheduler cluster's size, not this machine's CPU count, decides how batch cuts chunks."""

from __future__ import annotations

from analyzer.batch.engines import DaskEngine


class _Client:
    def __init__(self, threads):
        self.threads = threads

    def wait_for_workers(self, n, timeout=None):
        if not self.threads:
            raise TimeoutError("no workers")

    def scheduler_info(self):
        return {"workers": {f"tcp://10.0.0.{i}:1": {"nthreads": n} for i, n in enumerate(self.threads)}}


def test_slots_are_the_clusters_worker_threads():
    assert DaskEngine._slots(_Client([4] * 50)) == 200
    assert DaskEngine._slots(_Client([1, 1])) == 2


def test_a_cluster_without_workers_yet_counts_as_one_slot():
    assert DaskEngine._slots(_Client([])) == 1
