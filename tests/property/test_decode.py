"""`DecodedStream` on arbitrary bytes: never raises, every line is clean one-line text, the line
count follows the line breaks, and the lines do not depend on where the chunks were cut."""

from __future__ import annotations

import codecs
import io

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from analyzer import decode
from analyzer.decode import DecodedStream, detect_encoding
from tests.property.strategies import PROPERTY

STRIPPED = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")
BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]
PIECES = st.sampled_from([b"\n", b"\r", b"\r\n", b"\x00", b"\x1b[31m", b"\x1b]0;t\x07", b"\xff", b"\xe9",
                          "错误".encode("gbk"), "错误".encode(), "é".encode("utf-16-le"), b"\t", b"ok ", b"\x1b"])


@st.composite
def member_bytes(draw) -> bytes:
    """A BOM or none, then raw bytes mixed with line breaks, escapes and multi-byte pieces."""
    body = draw(st.lists(st.one_of(st.binary(max_size=40), PIECES), max_size=40))
    return draw(st.sampled_from(BOMS)) + b"".join(body)


def read(data: bytes) -> tuple[DecodedStream, list[str]]:
    stream = DecodedStream(io.BytesIO(data), "m.log")
    return stream, list(stream.lines())


@PROPERTY
@given(data=st.one_of(st.binary(max_size=600), member_bytes()))
def test_any_bytes_give_clean_lines(data):
    stream, lines = read(data)
    assert stream.encoding in decode.ENCODINGS
    breaks = data.count(b"\n") + data.count(b"\r") + 1
    assert len(lines) <= breaks + len(data) // 2  # UTF-16 text can hold breaks the bytes do not show
    for line in lines:
        assert "\n" not in line and "\r" not in line
        assert not STRIPPED.search(line), repr(line)
        assert len(line) <= decode.MAX_LINE
    for problem in stream.problems:
        assert problem.line is None or 1 <= problem.line <= len(lines) + 1, (problem, len(lines))
    stream.head_text()


@PROPERTY
@given(data=member_bytes(), chunk=st.integers(1, 64))
def test_lines_do_not_depend_on_the_chunk_size(data, chunk):
    _, expected = read(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decode, "CHUNK_BYTES", chunk)
        _, lines = read(data)
    assert lines == expected


@PROPERTY
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
       encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]))
def test_text_with_a_bom_round_trips(text, encoding):
    bom = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[encoding]
    _, lines = read(bom + text.encode(encoding))
    expected = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if expected[-1] == "":
        expected.pop()
    assert lines == [decode.strip_terminal_escapes(line) for line in expected]


@PROPERTY
@given(head=st.binary(max_size=5000))
def test_detect_encoding_is_total(head):
    assert detect_encoding(head) in decode.ENCODINGS


@PROPERTY
@given(line=st.text(max_size=300))
def test_strip_terminal_escapes_leaves_no_control(line):
    cleaned = decode.strip_terminal_escapes(line)
    assert not STRIPPED.search(cleaned)
    assert decode.strip_terminal_escapes(cleaned) == cleaned
