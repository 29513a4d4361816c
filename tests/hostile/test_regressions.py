"""One test per defect the hostile corpus, the property tests and the fuzzer found (and that was
fixed), at the smallest input that showed it."""

from __future__ import annotations

import io
import json

from analyzer.analysis import analyze
from analyzer.bundle import printable
from analyzer.decode import DecodedStream, detect_encoding
from analyzer.parsers import get
from analyzer.parsers.sccache_stats import numeric
from analyzer.records import Fact, Problem, Record
from analyzer.report import render_json, render_text
from tests.hostile.corpus import CLIENT_ERROR, write
from tests.shared import ROOT, knowledge


def test_file_link_loop_is_a_problem_not_a_crash(tmp_path, walk):
    """Found by the corpus: `a.log -> b.log -> a.log` made Path.resolve raise and the analysis stop."""
    (tmp_path / "ok.log").write_text(CLIENT_ERROR, encoding="utf-8")
    (tmp_path / "a.log").symlink_to("b.log")
    (tmp_path / "b.log").symlink_to("a.log")
    contents, problems = walk([tmp_path])
    assert list(contents) == ["ok.log"]
    assert problems == ["a.log: link loop; not followed", "b.log: link loop; not followed"]


def test_undecodable_file_names_are_printable(tmp_path):
    """Found by the corpus: a file name with bytes that are not UTF-8 reached orjson as surrogates."""
    assert printable("bad\udcff\udcfe.log") == "bad\\xff\\xfe.log"
    name = bytes(tmp_path) + b"/caf\xe9.log"
    with open(name, "wb") as handle:
        handle.write(CLIENT_ERROR.encode())
    report = analyze([str(tmp_path)], knowledge()).report
    assert "caf\\\\xe9.log" in render_json.render(report).decode("utf-8")  # JSON escapes the backslash


def test_rustc_fingerprint_beyond_64_bits(tmp_path):
    """Found by the fuzzer (fuzz/regressions/rustc-info-fingerprint-over-64-bits): a damaged
    rustc_info.json with a 21-digit fingerprint made the JSON report fail to render."""
    write(tmp_path / "rustc_info.json", '{"rustc_fingerprint":983614504638168036512,"outputs":{"1":{"succ')
    report = analyze([str(tmp_path)], knowledge()).report
    assert json.loads(render_json.render(report))
    items = list(get("rustc-info").parse(iter(['{"rustc_fingerprint":' + "9" * 5000 + ',"outputs":{}}']), "r"))
    assert not [i for i in items if isinstance(i, Fact) and i.name == "rustc_fingerprint"]


def test_rustc_fingerprint_in_other_digits():
    """Found in review: `str.isdigit()` is true for '²', which `int()` refuses, so a fingerprint
    written as "²" stopped the rustc-info parser and every probe entry after it was lost."""
    for head in ('{"rustc_fingerprint":"\u00b2",', '{"rustc_fingerprint":\u0663,'):
        items = list(get("rustc-info").parse(iter([head + '"outputs":{"1":{"success":false,"status":"",'
                                                   '"code":2,"stdout":"","stderr":"x"}}}']), "r"))
        assert not [i for i in items if isinstance(i, Fact) and i.name == "rustc_fingerprint"], head
        assert [i.get("key") for i in items if isinstance(i, Record)] == ["1"], head


def test_fact_values_beyond_64_bits_render_as_text():
    from analyzer.report.model import _scalar

    assert _scalar(2**64) == str(2**64) and _scalar(-(2**63) - 1) == str(-(2**63) - 1)
    assert _scalar(2**64 - 1) == 2**64 - 1 and _scalar(True) is True and _scalar(1.5) == 1.5


def test_startup_timeout_that_is_not_milliseconds(tmp_path):
    """Found by probing: `server_startup_timeout_ms = inf` (or 10**400) stopped the whole analysis
    with OverflowError in the diagnosis; now the key is reported and ignored."""
    for value in ("inf", "1" + "0" * 400, '"60s"', "true", "-1"):
        write(tmp_path / value[:4] / "config.toml", f"server_startup_timeout_ms = {value}\n")
        write(tmp_path / value[:4] / "cargo.txt", CLIENT_ERROR)
        report = analyze([str(tmp_path / value[:4])], knowledge()).report
        assert report["facts"]["startup_timeout_ms"] == 10000, value
        reasons = [p["reason"] for a in report["artifacts"] for p in a["problems"]]
        assert "server_startup_timeout_ms is not a whole number of milliseconds; ignored" in reasons


def test_stats_numbers_with_thousands_of_digits():
    """Found by probing: a 5000-digit counter made int() raise and the stats parser stop."""
    assert numeric("1" * 5000) is None and numeric("1" * 400 + ".5 GiB") is None
    assert numeric("12") == 12 and numeric("10 GiB") == 10 * 1024**3


def test_env_list_record_spans_name_and_value():
    """Found by the parser property test: a `Name : X` / `Value : v` record said it was one line."""
    items = list(get("env").parse(iter(["Name  : SCCACHE_OSS_BUCKET", "Value : acme"]), "env.txt"))
    record = next(i for i in items if isinstance(i, Record))
    assert (record.line, record.end_line) == (1, 2)


def test_empty_json_document_names_no_line():
    """Found by the parser property test: an empty rustc_info.json or manifest got a problem at
    line 1 of a member with no lines."""
    for kind in ("rustc-info", "manifest"):
        problems = [i for i in get(kind).parse(iter([]), "m") if isinstance(i, Problem)]
        assert [(p.line, p.reason) for p in problems] == [(None, "empty: no JSON document")], kind


def test_mixed_encodings_are_read_line_by_line():
    """Found by the corpus: one GBK line among UTF-8 ones made the whole file Latin-1 mojibake,
    with no problem reported."""
    data = "服务器 start\n".encode() + "错误: 拒绝访问。\n".encode("gbk") + "café\n".encode("latin-1")
    stream = DecodedStream(io.BytesIO(data), "m")
    assert stream.encoding == "utf-8"
    assert list(stream.lines()) == ["服务器 start", "错误: 拒绝访问。", "caf\ufffd"]
    assert [p.reason for p in stream.problems] == ["not valid UTF-8; read as GBK",
                                                  "not valid utf-8; bad bytes replaced"]
    assert detect_encoding("café crème\n".encode("latin-1")) == "latin-1"
    assert detect_encoding("错误: 拒绝访问。\n".encode("gbk")) == "gbk"


def test_utf16_part_after_utf8_text_keeps_the_file_utf8():
    data = b"[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n" + \
        "PS> sccache --show-stats\r\n".encode("utf-16-le")
    stream = DecodedStream(io.BytesIO(data), "m")
    assert stream.encoding == "utf-8"
    assert list(stream.lines())[1] == "PS> sccache --show-stats"
    assert [p.reason for p in stream.problems] == ["NUL bytes dropped (3 lines in all)"]


def test_binary_member_is_not_read():
    """Found by the corpus: an executable was read as Latin-1 text, 23 000 junk records and a
    'healthy build' verdict."""
    stream = DecodedStream(io.BytesIO(bytes(range(256)) * 100), "core")
    assert stream.encoding == "binary" and list(stream.lines()) == [] and stream.head_text() == ""
    assert [p.reason for p in stream.problems] == ["binary data, not text; not read"]


def test_fix_prose_is_one_line_in_the_terminal():
    """Found while reading the corpus output: wrapped fix prose showed `\\x0a` in the text report."""
    report = analyze([str(ROOT / "samples" / "seed-windows-oss-proxy" / "bundle")], knowledge()).report
    report["root_causes"][0]["remediation"] = [{"shell": "any", "text": "one\ntwo", "command": None}]
    out = render_text.render(report)
    assert "fix: one two" in out and "\\x0a" not in out


def test_folder_deeper_than_the_recursion_limit(tmp_path, walk):
    """Found by the corpus: os.walk (recursive in Python 3.11) raised RecursionError on a folder
    1500 levels deep, and the whole analysis stopped."""
    from tests.hostile.harness import remove_tree

    folder = tmp_path / "b"
    folder.mkdir()
    for _ in range(1500):
        folder = folder / "d"
        folder.mkdir()
    (folder / "x.log").write_bytes(b"x")
    try:
        contents, problems = walk([tmp_path / "b"])
        assert list(contents.values()) == [b"x"] and problems == []
    finally:
        remove_tree(tmp_path / "b")


def test_timeline_spanning_millennia():
    """Found by the fuzzer (fuzz/regressions/timeline-tick-after-year-9999): a tick past
    9999-12-31 made the HTML report raise; a span of millennia also meant millions of ticks."""
    from analyzer.report import render_html, svg_timeline
    from tests.report.support import SEED, report

    rep = dict(report(SEED))
    event = {"time_estimated": False, "source": "a.log", "kind": "sccache-log", "event": "server-start", "text": "x"}
    for first, last in (("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"), ("9999-12-31T23:59:00Z", "9999-12-31T23:59:59Z")):
        rep["timeline"] = [dict(event, time=first, line=1), dict(event, time=last, line=2)]
        ticks = svg_timeline.layout(rep).ticks
        assert 1 <= len(ticks) <= 9, ticks
        assert render_html.render(rep).count("<svg") >= 1


def test_inventory_lists_a_bounded_number_of_problems(tmp_path):
    """Found by the corpus (`every-line-broken`): a log with an unreadable timestamp on each of its
    100 000 lines made an 11 MB JSON report of problems."""
    from analyzer.report.model import MAX_PROBLEMS_LISTED

    write(tmp_path / "sccache-server.log", "[2026-13-45T99:99:99Z INFO  sccache::server] x\n" * 120)
    report = analyze([str(tmp_path)], knowledge()).report
    problems = report["artifacts"][0]["problems"]
    assert len(problems) == MAX_PROBLEMS_LISTED + 1
    assert problems[-1] == {"line": None, "reason": f"{120 - MAX_PROBLEMS_LISTED} more unreadable timestamps"}


def test_toml_reading_stays_linear():
    """Found by a scan of every parser with 1 MiB lines: a line of `0.0.0.…` took the config
    parsers two minutes (tomllib is quadratic in dotted-key parts), and an array left open made
    the line scanner quadratic in the lines that followed."""
    import time

    for kind in ("sccache-config", "cargo-config"):
        began = time.perf_counter()
        items = list(get(kind).parse(iter(["[cache.s3]", "0." * 300_000 + " = 1", 'bucket = "b"']), "c.toml"))
        assert any(isinstance(i, Problem) and "more than 256 dots" in i.reason for i in items)
        assert any(isinstance(i, Record) and i.get("key") == "cache.s3.bucket" for i in items)
        items = list(get(kind).parse(iter(["[cache.s3]", "endpoint = ["] + ["1,"] * 200_000), "c.toml"))
        nested = list(get(kind).parse(iter(["[cache.s3]", "x = " + "[" * 5000 + "]" * 5000]), "c.toml"))
        assert any(isinstance(i, Problem) and "nested too deep" in i.reason for i in nested)
        assert time.perf_counter() - began < 10


def test_comment_with_a_bracket_does_not_swallow_the_file():
    items = list(get("cargo-config").parse(iter(["[build]", "rustflags = [   # see [docs", '  "-C", "x",', "]",
                                                  'rustc-wrapper = "sccache"']), "config.toml"))
    keys = {i.get("key"): i.line for i in items if isinstance(i, Record)}
    assert keys.get("build.rustc-wrapper") == 5, keys
