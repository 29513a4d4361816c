"""Redaction hides secret values in every shape they take, and leaves ordinary values alone."""

from __future__ import annotations

import pytest

from analyzer.redact import MASK, Redactor, redact_report

SECRETS = [
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET=FAKEsecretFAKEsecret12", "FAKEsecret"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET        p9Xk2LmQ7vR4tZ8wN1cB6yH3sJ5dF0", "p9Xk2"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SE... p9Xk2LmQ7vR4tZ8wN1cB6yH3sJ5dF0", "p9Xk2"),
    ("ALIBABA_CLOUD_ACCESS_KEY_ID    LTAI5tGq7Xw2ZsKd9VbN4pRm", "LTAI5t"),
    ("key id AKIAIOSFODNN7EXAMPLE in a log line", "AKIAIOSFODNN7EXAMPLE"),
    ('$env:SCCACHE_REDIS_PASSWORD = "s3cr3t-pw"', "s3cr3t-pw"),
    ("SCCACHE_REDIS_PASSWORD=s3cr3t-pw", "s3cr3t-pw"),
    ("CARGO_REGISTRY_TOKEN=cio1234567890abcdef", "cio1234567890abcdef"),
    ("HTTPS_PROXY=http://bob:hunter2@127.0.0.1:7897", "hunter2"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGci"),
    ("GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=abcdef012345", "abcdef012345"),
    ("GET https://b.oss.aliyuncs.com/k?OSSAccessKeyId=abc123&Signature=zzTop%3D", "zzTop"),
    ('secret_access_key = "wJalrXUtnFEMI"', "wJalrXUtnFEMI"),
    ("SCCACHE_AZURE_KEY=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", "Zm9vYmFy"),
    ("config: AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEabc", "IQoJb3J"),
]
ORDINARY = [
    "SCCACHE_OSS_KEY_PREFIX=genarrative",
    "SCCACHE_OSS_KEY_PREFIX         genarrative",
    "RUST_BACKTRACE=1",
    "SCCACHE_S3_NO_CREDENTIALS=true",
    r"CARGO_HOME=C:\Users\DSK\.cargo",
    "rustc_fingerprint: 9837201948821374650",
    "Hash key: 5f3c9a8b7e6d5c4b3a291807f6e5d4c3b2a19080a1b2c3d4e5f60718293a4b5c",
    "AWS_SHARED_CREDENTIALS_FILE=/home/dev/.aws/credentials",
    "CARGO_PKG_AUTHORS=Jane",
    "export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...",
    "SCCACHE_REDIS_PASSWORD=",
    "HTTPS_PROXY=http://127.0.0.1:7897",
    "no valid credential found and anonymous access is not allowed",
    "PWD=/home/dev/work",
]


@pytest.mark.parametrize("line,secret", SECRETS)
def test_secret_values_are_masked_names_kept(line: str, secret: str):
    redactor = Redactor()
    out = redactor.text(line)
    assert secret not in out and MASK in out
    assert sum(redactor.counts.values()) >= 1
    name = line.split("=")[0].split()[0].removeprefix("$env:")
    if name.isupper() and "_" in name:
        assert name in out


@pytest.mark.parametrize("line", ORDINARY)
def test_ordinary_values_are_kept(line: str):
    redactor = Redactor()
    assert redactor.text(line) == line
    assert not redactor.counts


def test_report_summary_counts_kinds_and_leaves_structure():
    report = {"schema_version": "1", "facts": {"proxy": "http://u:pw123@proxy:8080", "server_port": 4226},
              "findings": [{"evidence": [{"text": "AKIAIOSFODNN7EXAMPLE", "line": 3}]}],
              "redactions": {"count": 0, "kinds": []}}
    clean = redact_report(report)
    assert clean["facts"] == {"proxy": f"http://u:{MASK}@proxy:8080", "server_port": 4226}
    assert clean["findings"][0]["evidence"][0] == {"text": MASK, "line": 3}
    assert clean["redactions"] == {"count": 2, "kinds": ["aws-access-key-id", "url-credentials"]}
    assert report["facts"]["proxy"] == "http://u:pw123@proxy:8080", "the input dict is not modified"


def test_redaction_is_idempotent():
    once = Redactor().text("AWS_SECRET_ACCESS_KEY=abcdefgh12345678")
    again = Redactor()
    assert again.text(once) == once and not again.counts
