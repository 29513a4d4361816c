"""The rule set on its own: every planted form goes in one call, real lines without a secret stay
exactly as they are, and the rules cannot be made to run long."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analyzer.collect.scrub import decode
from analyzer.redact import MASK, Redactor, redact_report, redact_text
from tests.hostile.planted import FORMS, tag_for

ROOT = Path(__file__).resolve().parents[2]
# The fake credentials the lab planted in its sample bundles and fixtures (the only text that may go).
LAB_FAKES = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "LTAI5tFAKEFAKEFAKE1234567",
             "FAKEsecretFAKEsecretFAKEsecret12", "LTAI5tGq7Xw2ZsKd9VbN4pRm", "p9Xk2LmQ7vR4tZ8wN1cB6yH3sJ5dF0",
             "LTAI5tQx8vKd3nYp2RwF7mJc", "Zk3pR8wQ1vN6tY2mB9cX4dF7gH0jL5",
             "eyJ0eXAiOiJKV1QiFAKE.eyJsYWIiOnRydWV9.FAKEsignature", "lab-client-token", "stale-client-token")


def corpus() -> list[Path]:
    """Real text: the lab's sample bundles and the parsers' fixtures."""
    files = [*ROOT.glob("samples/*/bundle/**/*"), *ROOT.glob("tests/fixtures/**/*")]
    return sorted(p for p in files if p.is_file() and p.suffix not in (".py", ".zip", ".gz", ".tgz", ".parquet"))


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_planted_form_is_taken_out(form):
    lines, needles = FORMS[form](tag_for(7))
    out = Redactor().text("\n".join(lines) + "\n")
    assert [n for n in needles if n in out] == [], out
    assert MASK in out


def test_real_lines_without_secrets_are_unchanged():
    checked = 0
    for path in corpus():
        data = path.read_bytes()
        if b"\0" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        text = decode(data)
        for line, out in zip(text.splitlines(), Redactor().text(text).splitlines(), strict=True):
            expected = line
            for fake in LAB_FAKES:
                expected = expected.replace(fake, MASK)
            assert out == expected, f"{path.relative_to(ROOT)}: {line!r}"
            checked += 1
    assert checked > 4000


def test_the_second_seed_storys_key_line_stays():
    line = "Failed to fetch IAM credentials: failed to read IAM role response"
    assert redact_text(line) == line


@pytest.mark.parametrize("line, kept", [
    ("SCCACHE_OSS_KEY_PREFIX=acme", True),
    ("SCCACHE_S3_NO_CREDENTIALS=true", True),
    ("AWS_SHARED_CREDENTIALS_FILE=/home/dev/.aws/credentials", True),
    ("Hash key: 5f3c0123456789abcdef", True),
    ("credentials: failed to load", True),
    ("token: failed", False),
    ("token: 5f3cba9e0123", False),
    ("SCCACHE_REDIS_PASSWORD=$(cat /run/secret)", False),
    ("PWD=/work/demo", True),
])
def test_names_that_sound_secret(line, kept):
    assert (redact_text(line) == line) is kept


def test_a_secret_field_of_a_report_goes_whole_whatever_it_looks_like():
    out = redact_report({"env": [{"name": "SCCACHE_REDIS_PASSWORD", "value": "two words; and more"}],
                         "secret_access_key": "x y"})
    assert out["env"][0]["value"] == MASK and out["secret_access_key"] == MASK


def test_a_cut_text_that_begins_inside_a_private_key_is_masked_to_its_end_marker():
    tail = "Mkk1dGhpcyBpcyB0aGUgc2Vjb25kIGhhbGY\nQUJDREVGR0g=\n-----END PRIVATE KEY-----\nbucket = ci\n"
    out = Redactor().text(tail, cut=True)
    assert "Mkk1dGhp" not in out and "QUJDREVG" not in out and "bucket = ci" in out
    assert Redactor().text(tail) == tail  # control: not known to be cut, nothing to hide


@pytest.mark.parametrize("line", [
    "error sending request for url (http://a/)" * 5000,
    "://" * 300_000,
    "a" * 1_000_000 + "=",
    "a." * 500_000 + "=",
    "-a" * 500_000 + ":",
    "x:" * 400_000,
    "Basic " + "A" * 1_000_000,
    "eyJ" + "a" * 500_000 + "." + "b" * 500_000,
    "-----BEGIN PRIVATE KEY-----" + "-" * 1_000_000,
    "<token>" + "<" * 1_000_000,
])
def test_redaction_of_a_hostile_megabyte_line_stays_fast(line):
    started = time.perf_counter()
    redact_text(line)
    assert time.perf_counter() - started < 5


def test_a_headline_cut_before_redaction_never_keeps_half_a_token():
    from analyzer.records import Record

    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaS1ydW5uZXIiLCJpc3MiOiJhY3Rpb25zIn0.c2lnbmF0dXJlLWhhbGY"
    for lead in range(300, 400, 7):  # the token straddles the 400-character cut
        text = "error: " + "x" * lead + " token " + jwt + " more words after it"
        headline = redact_text(Record("a.log", "cargo-output", 1, text).headline())
        assert "eyJzdWIi" not in headline and "c2lnbmF0" not in headline, headline
