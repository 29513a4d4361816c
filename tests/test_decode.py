"""Decoding: every encoding a failing machine writes comes out as the same clean lines."""

from __future__ import annotations

import codecs
import io
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer import decode
from analyzer.decode import DecodedStream, detect_encoding, strip_terminal_escapes

TEXT = "sccache: error: 服务器启动失败\nsecond line\n"
LINES = ["sccache: error: 服务器启动失败", "second line"]


def decoded(data: bytes) -> tuple[str, list[str], DecodedStream]:
    stream = DecodedStream(io.BytesIO(data), "member.log")
    lines = list(stream.lines())
    return stream.encoding, lines, stream


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-bom"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le-bom"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be-bom"),
    (("hello world, no BOM here\n" + TEXT).encode("utf-16-le"), "utf-16-le"),
    (("hello world, no BOM here\n" + TEXT).encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("gbk"), "gbk"),
])
def test_each_encoding_gives_the_same_lines(data, encoding):
    found, lines, stream = decoded(data)
    assert found == encoding
    assert lines[-2:] == LINES
    assert stream.problems == []


def test_windows_powershell_redirect_crlf_utf16():
    data = codecs.BOM_UTF16_LE + "PS> sccache --show-stats\r\nCompile requests  0\r\n".encode("utf-16-le")
    assert decoded(data)[:2] == ("utf-16-le-bom", ["PS> sccache --show-stats", "Compile requests  0"])


def test_latin1_fallback_never_fails():
    data = b"caf\xe9 \xff\xfe\xfd end\n"
    found, lines, _ = decoded(data)
    assert found == "latin-1"
    assert lines == ["café ÿþý end"]


def test_crlf_and_lone_cr_are_line_breaks():
    assert decoded(b"a\r\nb\rc\nd")[1] == ["a", "b", "c", "d"]
    assert decoded(b"a\r\r\nb\r")[1] == ["a", "", "b"]


def test_crlf_split_across_chunks(monkeypatch):
    monkeypatch.setattr(decode, "HEAD_BYTES", 4)
    monkeypatch.setattr(decode, "CHUNK_BYTES", 3)
    assert decoded(b"abc\r\ndef\r\n\r\ngh\r")[1] == ["abc", "def", "", "gh"]


def test_ansi_colour_and_terminal_sequences_are_stripped():
    data = (b"\x1b]0;cargo build\x07\x1b[2J\x1b[H\x1b[1m\x1b[31merror\x1b[0m: could not compile\n"
            b"\x1b[32m   Compiling\x1b[0m foo v0.1.0\x1b[K\n"
            b"\x1b]2;title\x1b\\\x1b(Bplain\x1bc\x1b7saved\x1b8\n")
    assert decoded(data)[1] == ["error: could not compile", "   Compiling foo v0.1.0", "plainsaved"]


def test_strip_keeps_tabs_and_removes_other_controls():
    assert strip_terminal_escapes("a\tb\x00c\x08d\x7f") == "a\tbcd"
    assert strip_terminal_escapes("no escapes") == "no escapes"


def test_odd_length_utf16_does_not_raise():
    data = codecs.BOM_UTF16_LE + "ab\ncd".encode("utf-16-le") + b"e"
    found, lines, stream = decoded(data)
    assert found == "utf-16-le-bom"
    assert lines == ["ab", "cd\ufffd"]
    assert any("odd number of bytes" in p.reason for p in stream.problems)


def test_invalid_utf8_after_the_head_is_replaced_and_reported():
    data = b"ok line\n" * 10_000 + b"bad \xff\xfe byte\n" + b"tail\n"
    assert len(data) > decode.HEAD_BYTES
    found, lines, stream = decoded(data)
    assert found == "utf-8"
    assert lines[-2:] == ["bad \ufffd\ufffd byte", "tail"]
    assert [(p.line, p.reason) for p in stream.problems] == [(10_001, "not valid utf-8; bad bytes replaced")]


def test_gbk_only_after_the_head_is_read_as_gbk():
    data = b"plain ascii\n" * 8_000 + "错误: 拒绝访问。\n".encode("gbk")
    found, lines, stream = decoded(data)
    assert found == "utf-8"
    assert lines[-1] == "错误: 拒绝访问。"
    assert [p.line for p in stream.problems] == [8_001]
    assert "read as GBK" in stream.problems[0].reason


def test_nul_bytes_in_utf8_are_dropped_not_mistaken_for_utf16():
    data = b"before crash\n" + b"\x00" * 5000 + b"\nafter\n"
    found, lines, _ = decoded(data)
    assert found == "utf-8"
    assert lines == ["before crash", "", "after"]


def test_utf8_bom_is_not_part_of_the_first_line():
    assert decoded(codecs.BOM_UTF8 + b"[2026-11-21T05:23:31Z INFO sccache] x\n")[1][0].startswith("[2026")


def test_head_text_decodes_without_consuming():
    stream = DecodedStream(io.BytesIO(codecs.BOM_UTF16_LE + "one\r\ntwo\r\n".encode("utf-16-le")))
    assert stream.head_text() == "one\ntwo\n"
    assert list(stream.lines()) == ["one", "two"]


def test_long_line_is_cut_in_linear_time():
    data = b"start\n" + b"x" * (50 * 1024 * 1024) + b"\nend\n"
    began = time.perf_counter()
    found, lines, stream = decoded(data)
    elapsed = time.perf_counter() - began
    assert lines[0] == "start" and lines[2] == "end"
    assert len(lines) == 3 and len(lines[1]) == decode.MAX_LINE
    assert [(p.line, p.reason) for p in stream.problems] == [
        (2, f"longer than {decode.MAX_LINE} bytes; truncated")]
    assert elapsed < 3


def test_cut_in_the_middle_of_a_character_drops_it_quietly(monkeypatch):
    monkeypatch.setattr(decode, "MAX_LINE", 10)
    found, lines, stream = decoded("aaaaaaaaa€€€\nok\n".encode())
    assert lines == ["aaaaaaaaa", "ok"]
    assert [p.line for p in stream.problems] == [1]


def test_many_long_lines_are_reported_with_a_bound(monkeypatch):
    monkeypatch.setattr(decode, "MAX_LINE", 4)
    _, lines, stream = decoded(b"0123456789\n" * 50)
    assert lines == ["0123"] * 50
    assert len(stream.problems) == decode.MAX_PROBLEMS + 1
    assert stream.problems[-1].reason == f"{50 - decode.MAX_PROBLEMS} more long lines truncated"


def test_read_error_ends_the_stream_with_a_problem():
    class Broken(io.RawIOBase):
        def __init__(self):
            self.calls = 0

        def read(self, n=-1):
            self.calls += 1
            if self.calls > 2:
                raise OSError("CRC mismatch")
            return b"line\n" if self.calls == 1 else b""

    stream = DecodedStream(Broken(), "m")
    assert list(stream.lines()) == ["line"]
    assert [p.reason for p in stream.problems] == ["read failed, rest of member lost: OSError: CRC mismatch"]


def test_detect_encoding_on_tiny_inputs():
    assert detect_encoding(b"") == "utf-8"
    assert detect_encoding(b"a") == "utf-8"
    assert detect_encoding("é".encode()[:1]) == "utf-8"  # cut character at the end of the head


@given(text=st.text(alphabet="ab\r\n\x1b[m错", max_size=60), head=st.integers(2, 8), chunk=st.integers(1, 8),
       encoding=st.sampled_from(["utf-8", "utf-16-le"]))
def test_lines_do_not_depend_on_chunk_boundaries(text, head, chunk, encoding):
    expected = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if expected[-1] == "":
        expected.pop()
    data = (codecs.BOM_UTF16_LE if encoding == "utf-16-le" else b"") + text.encode(encoding)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decode, "HEAD_BYTES", head)
        patch.setattr(decode, "CHUNK_BYTES", chunk)
        lines = list(DecodedStream(io.BytesIO(data)).lines())
    assert lines == [strip_terminal_escapes(line) for line in expected]
