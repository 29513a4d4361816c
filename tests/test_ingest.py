"""Ingest: members become artifacts; every decode, limit and parser failure lands in problems."""

from __future__ import annotations

import codecs
import struct
import zipfile

from analyzer import decode, parsers
from analyzer.bundle import Limits
from analyzer.ingest import default_keep, keep_all, read_bundle
from analyzer.records import Record

NOTES = "just some notes\nnothing to see\n"


def artifact(bundle, path):
    return next(a for a in bundle.artifacts if a.path == path)


def test_encoding_and_records_of_each_member(tmp_path):
    (tmp_path / "a.txt").write_bytes(NOTES.encode())
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF16_LE + NOTES.replace("\n", "\r\n").encode("utf-16-le"))
    bundle = read_bundle([str(tmp_path)], keep=keep_all)
    assert [(a.path, a.kind, a.encoding, a.record_count) for a in bundle.artifacts] == [
        ("a.txt", "unknown", "utf-8", 2), ("b.txt", "unknown", "utf-16-le-bom", 2)]
    assert [r.text for r in artifact(bundle, "b.txt").records] == ["just some notes", "nothing to see"]
    assert bundle.problems == [] and bundle.readable


def test_default_keep_counts_log_lines_without_keeping_them(tmp_path):
    (tmp_path / "a.txt").write_bytes(NOTES.encode())
    bundle = read_bundle([str(tmp_path)])
    assert artifact(bundle, "a.txt").record_count == 2
    assert artifact(bundle, "a.txt").records == []
    assert default_keep(Record("s", "sockets", 1, "x")) and not default_keep(Record("s", "unknown", 1, "x"))


def test_decode_problems_are_copied_to_the_artifact(tmp_path, monkeypatch):
    monkeypatch.setattr(decode, "MAX_LINE", 10)
    (tmp_path / "a.txt").write_bytes(b"short\n" + b"y" * 100 + b"\nend\n")
    bundle = read_bundle([str(tmp_path)], keep=keep_all)
    a = artifact(bundle, "a.txt")
    assert [r.text for r in a.records] == ["short", "y" * 10, "end"]
    assert [(p.source, p.line, p.reason) for p in a.problems] == [("a.txt", 2, "longer than 10 bytes; truncated")]


def test_limit_problems_are_copied_to_the_artifact(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"line\n" * 1000)
    bundle = read_bundle([str(tmp_path)], keep=keep_all, limits=Limits(max_member_bytes=100))
    a = artifact(bundle, "big.txt")
    assert a.record_count == 20
    assert [p.reason for p in a.problems] == ["truncated at 100 bytes (per-member limit)"]


def test_zip_member_lying_about_its_size_is_a_problem_not_an_error(tmp_path):
    path = tmp_path / "lie.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lie.txt", b"word\n" * 20_000)
        archive.writestr("ok.txt", b"fine\n")
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 22, 50)  # the local header now declares 50 bytes
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 50)
    path.write_bytes(bytes(data))
    bundle = read_bundle([str(path)], keep=keep_all)
    assert [a.path for a in bundle.artifacts] == ["ok.txt"]
    assert artifact(bundle, "ok.txt").record_count == 1
    assert [(p.source, p.reason) for p in bundle.problems] == [
        ("lie.txt", "cannot open member: BadZipFile: Bad CRC-32 for file 'lie.txt'")]


def test_a_failing_parser_costs_its_member_only(tmp_path, monkeypatch):
    class Exploding:
        kind = "unknown"

        def parse(self, lines, source):
            yield Record(source, "unknown", 1, next(iter(lines)))
            raise RuntimeError("boom")

    monkeypatch.setattr(parsers, "get", lambda kind: Exploding())
    (tmp_path / "a.txt").write_bytes(NOTES.encode())
    (tmp_path / "b.txt").write_bytes(NOTES.encode())
    bundle = read_bundle([str(tmp_path)], keep=keep_all)
    assert [a.record_count for a in bundle.artifacts] == [1, 1]
    assert bundle.artifacts[0].problems[0].reason == "unknown parser stopped: RuntimeError: boom"


def test_bundle_problems_and_unreadable_bundle(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    bundle = read_bundle([str(tmp_path / "bad.zip")])
    assert bundle.artifacts == [] and not bundle.readable
    assert [p.source for p in bundle.problems] == ["bad.zip"]
