"""Every shape of input takes the fast path and gets the report the full parse gives:
UTF-16 and GBK logs (transcoded in bulk), many small files (the bundle's size decides),
cargo and build output (their parsers read only the lines around candidates)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import fastscan
from analyzer.analysis import analyze
from analyzer.scan import MATCH_CAP
from tests.shared import assert_same_report, both_paths, knowledge

pytestmark = pytest.mark.skipif(not fastscan.available(), reason="hyperscan is not installed")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _server_logs_text(size: int) -> str:
    logs = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*/bundle/sccache-server.log"))]
    parts, total, i = [], 0, 0
    while total < size:
        parts.append(logs[i % len(logs)])
        total += len(parts[-1])
        i += 1
    return "".join(parts)


def _took_fast_path(result, lines: int) -> bool:
    """The fast path reports lines read as the record count; the full parse counts records."""
    return sum(a["records"] for a in result.report["artifacts"]) == lines


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                       ("utf-16-le", b"")])
def test_a_utf16_log_takes_the_fast_path_and_gets_the_full_parse_report(tmp_path, codec, bom):
    text = _server_logs_text(600_000).replace("\n", "\r\n")
    text += "[2026-11-21T06:00:01Z ERROR sccache::server] 系统找不到指定的路径。 (os error 3)\r\n"  # not ASCII
    (tmp_path / "sccache-server.log").write_bytes(bom + text.encode(codec))
    fast, full = both_paths([str(tmp_path)])
    assert_same_report(fast, full)
    assert fast.report["findings"]
    assert _took_fast_path(fast, text.count("\n"))


def test_a_gbk_log_reports_its_bad_lines_as_the_full_parse_does(tmp_path):
    text = _server_logs_text(300_000)
    bad = b"[2026-11-21T06:00:02Z WARN  sccache::server] \xff\xfe broken\n"
    data = "[2026-11-21T06:00:00Z ERROR sccache::server] 系统找不到指定的路径。\n".encode("gbk")
    data += text.encode("gbk", "replace") + bad + text[:5000].encode("gbk", "replace")  # the lab log's µs
    (tmp_path / "sccache-server.log").write_bytes(data)
    fast, full = both_paths([str(tmp_path)])
    assert fast.report["artifacts"][0]["encoding"] == "gbk"
    assert_same_report(fast, full)
    reasons = [p["reason"] for p in fast.report["artifacts"][0]["problems"]]
    assert any("not valid gbk" in r for r in reasons)


def test_small_files_of_a_big_bundle_take_the_fast_path(tmp_path):
    text = _server_logs_text(400_000)
    lines = text.splitlines(keepends=True)
    step = len(lines) // 8
    for index in range(8):
        (tmp_path / f"job-{index}-sccache.log").write_text("".join(lines[index * step:(index + 1) * step]))
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    fast, full = both_paths([str(tmp_path)], min_bytes=total // 2)  # every file is far below it
    assert_same_report(fast, full)
    assert _took_fast_path(fast, sum(1 for _ in range(8 * step)))
    small = analyze([str(tmp_path)], knowledge(), fast_min_bytes=total + 1)
    assert not _took_fast_path(small, 8 * step)


def test_caps_are_the_bundles_not_each_files(tmp_path, whole_compile_table):
    real = SAMPLES / "healthy-second-run" / "bundle" / "sccache-server.log"
    line = next(x for x in real.read_text(encoding="utf-8").splitlines(True) if "parse_arguments: CannotCache(" in x)
    for index in range(4):
        (tmp_path / f"job-{index}-sccache.log").write_text(line * 300)
    fast, full = both_paths([str(tmp_path)])
    assert_same_report(fast, full)
    finding = next(f for f in fast.report["findings"] if f["id"] == "non-cacheable-calls")
    assert finding["reason"].startswith(f"more than {MATCH_CAP} matching line(s) in")


def _cargo_text(size: int) -> str:
    captures = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*/bundle/cargo-build*.txt"))]
    parts, total, i = [], 0, 0
    while total < size:
        parts.append(captures[i % len(captures)])
        total += len(parts[-1])
        i += 1
    return "".join(parts)


def test_big_cargo_output_takes_the_fast_path_and_gets_the_full_parse_report(tmp_path):
    text = _cargo_text(400_000)
    (tmp_path / "cargo-build.txt").write_text(text)
    fast, full = both_paths([str(tmp_path)])
    assert_same_report(fast, full)
    assert fast.report["findings"]
    assert _took_fast_path(fast, text.count("\n"))


def test_powershell_cargo_output_in_utf16_gets_the_full_parse_report(tmp_path):
    seed = (SAMPLES / "seed-windows-oss-proxy" / "bundle" / "cargo-check.txt").read_bytes()
    text = seed.decode("utf-16")
    (tmp_path / "cargo-check.txt").write_bytes(codecs.BOM_UTF16_LE + (text * 40).encode("utf-16-le"))
    assert_same_report(*both_paths([str(tmp_path)]))


def test_build_output_gets_the_full_parse_report(tmp_path):
    lines = []
    for index in range(3000):
        lines.append(f"[{index}/3000] /usr/bin/sccache /usr/bin/cc -c src/f{index}.c -o f{index}.o\n")
        if index % 700 == 5:
            lines += [f"FAILED: CMakeFiles/app.dir/f{index}.c.o\n",
                      "sccache: error: failed to execute compile\n", "ninja: build stopped: subcommand failed.\n"]
    (tmp_path / "build.log").write_text("".join(lines))
    assert_same_report(*both_paths([str(tmp_path)]))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\r\n 系é😀"), max_size=300), st.integers(1, 9),
       st.sampled_from(["utf-16-le", "utf-16-be", "gbk"]))
def test_transcoding_in_reads_of_any_size_gives_the_text_as_utf8(text, read, codec):
    from analyzer.fastscan.transcode import to_utf8

    if codec == "gbk":
        text = text.replace("😀", "")  # not in GBK
    data = text.encode(codec)
    reads = [data[i:i + read] for i in range(0, len(data), read)]
    out = b"".join(to_utf8(reads, codec, 4, lambda line, reason: None, codec))
    expected = text.encode("utf-8")
    if codec == "gbk":  # cut into lines, a lone CR and a CRLF stay as they were read
        assert out.replace(b"\r\n", b"\n").replace(b"\r", b"\n") == expected.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    else:
        assert out == expected
