"""sccache-config parser: the TOML config file the client and server read at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest import keep_all, read_bundle
from analyzer.parsers.sccache_config import SccacheConfigParser
from analyzer.records import Problem, Record, fields

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sccache-config"
PARSER = SccacheConfigParser()


def read(path):
    (artifact,) = read_bundle([str(path)], keep_all).artifacts
    return artifact


def facts_of(artifact):
    return [(f.name, f.value) for f in artifact.facts]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_is_chosen_as_sccache_config(name):
    assert read(FIXTURES / name).kind == "sccache-config"


@pytest.mark.parametrize("head", [
    "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n",
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n",
    "Compile requests                      7\n",
    '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n',
    '[build]\nrustc-wrapper = "sccache"\n',
    "[core]\n\trepositoryformatversion = 0\n",
])
def test_sniff_other_kinds_is_low(head):
    assert PARSER.sniff(head, "config") <= 0.2


def test_oss_config_records_and_facts():
    artifact = read(FIXTURES / "oss-startup-timeout.toml")
    assert artifact.problems == [] and artifact.record_count == 7
    bucket = next(r for r in artifact.records if r.get("key") == "cache.oss.bucket")
    assert bucket == Record("oss-startup-timeout.toml", "sccache-config", 5, 'cache.oss.bucket = "ci-sccache"',
                            end_line=5, fields=fields(key="cache.oss.bucket", value="ci-sccache"))
    flag = next(r for r in artifact.records if r.get("key") == "cache.oss.no_credentials")
    assert (flag.get("value"), flag.text) == ("false", "cache.oss.no_credentials = false")
    assert facts_of(artifact) == [("startup_timeout_ms", 60000), ("backend", "oss"), ("bucket", "ci-sccache"),
                                  ("endpoint", "https://oss-cn-hangzhou.aliyuncs.com")]


def test_nested_table_and_two_backends():
    artifact = read(FIXTURES / "s3-and-disk.toml")
    keys = [r.get("key") for r in artifact.records]
    assert "cache.disk.preprocessor_cache_mode.use_preprocessor_cache_mode" in keys
    assert [v for n, v in facts_of(artifact) if n == "backend"] == ["disk", "s3"]
    assert next(r.line for r in artifact.records if r.get("key") == "cache.s3.region") == 11


def test_inline_table_and_dotted_keys_take_their_line():
    text = 'server_startup_timeout_ms = 1\ncache.s3 = { bucket = "b", endpoint = "http://x:4380" }\n'
    items = list(PARSER.parse(text.splitlines(), "c.toml"))
    records = {i.get("key"): i.line for i in items if isinstance(i, Record)}
    assert records == {"server_startup_timeout_ms": 1, "cache.s3.bucket": 2, "cache.s3.endpoint": 2}


def test_invalid_toml_falls_back_line_by_line():
    artifact = read(FIXTURES / "broken.toml")
    (problem,) = artifact.problems
    assert problem.line == 5 and "Expected '='" in problem.reason
    assert [(r.line, r.get("key"), r.get("value")) for r in artifact.records] == [
        (1, "server_startup_timeout_ms", "30000"), (4, "cache.s3.bucket", "ci-cache"), (6, "cache.s3.region", "us-east-1")]
    assert ("startup_timeout_ms", 30000) in facts_of(artifact)


def test_truncated_mid_string_keeps_complete_keys():
    text = (FIXTURES / "oss-startup-timeout.toml").read_text()
    cut = text[: text.index("https://oss") + 10]
    items = list(PARSER.parse(cut.splitlines(), "c.toml"))
    keys = [i.get("key") for i in items if isinstance(i, Record)]
    assert keys[:2] == ["server_startup_timeout_ms", "cache.oss.bucket"]
    assert any(isinstance(i, Problem) for i in items)


@pytest.mark.parametrize("text", ["", "\x00\x01\x02", "[[[", "= = =", 'a = """never closed\n', "[cache.s3\nbucket="])
def test_bad_input_never_raises(text):
    list(PARSER.parse(text.splitlines(), "c.toml"))
