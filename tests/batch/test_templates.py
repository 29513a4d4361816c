"""Unexplained lines -> masked templates with counts (masks from patterns/_masks.toml)."""

from __future__ import annotations

import random

from analyzer.batch.templates import cluster, mask_line


def _lines(texts, machine="m1", level="ERROR"):
    return [(machine, level, mask_line(t), t) for t in texts]


def test_lines_differing_only_in_numbers_paths_and_hex_share_one_template():
    texts = [f"Cache write error for /home/u{i}/target/debug/libx-{i:016x}.rlib after {i}.5 s (code 0x{i + 10:x})"
             for i in range(30)]
    found = cluster(_lines(texts[:10], "a") + _lines(texts[10:25], "b") + _lines(texts[25:], "c"))
    assert len(found) == 1
    only = found[0]
    assert only.template == "Cache write error for <PATH> after <DURATION> (code <HEX>)"
    assert only.lines == 30 and only.machines == ["a", "b", "c"]
    assert only.to_json()["examples"][0] in texts


def test_drain_merges_lines_that_differ_in_a_word_and_keeps_others_apart():
    texts = ["connection to scheduler refused by peer", "connection to scheduler reset by peer",
             "disk full while writing the cache entry"]
    found = cluster(_lines(texts))
    assert sorted(t.template for t in found) == ["connection to scheduler <*> by peer",
                                                  "disk full while writing the cache entry"]
    merged = next(t for t in found if "<*>" in t.template)
    assert merged.lines == 2 and len(merged.examples) == 2


def test_the_result_does_not_depend_on_the_order_lines_arrive_in():
    texts = [f"worker {i} lost heartbeat after {i} ms" for i in range(20)] + \
            [f"unknown compiler flag -Z{w}" for w in ("foo", "bar", "baz")] + ["odd warning"] * 3
    lines = [(f"m{i % 4}", "WARN", mask_line(t), t) for i, t in enumerate(texts)]
    shuffled = list(lines)
    random.Random(5).shuffle(shuffled)
    assert [t.to_json() for t in cluster(lines)] == [t.to_json() for t in cluster(shuffled)]


def test_level_is_error_when_any_line_of_the_template_is_an_error():
    found = cluster([("m1", "WARN", "x <NUM>", "x 1"), ("m2", "ERROR", "x <NUM>", "x 2")])
    assert found[0].level == "ERROR" and found[0].to_json()["machines"] == 2
