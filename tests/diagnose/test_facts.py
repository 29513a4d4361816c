"""Unit tests for analyzer/diagnose/facts.py: artifact > environment > default."""

from __future__ import annotations

import pytest

from analyzer.diagnose import facts
from analyzer.records import Fact


def merge(env: dict[str, str], *artifacts: tuple[str, list[Fact]]):
    return facts.merge_facts([(kind, fact) for kind, items in artifacts for fact in items], env)


def test_defaults_without_artifacts_or_environment():
    merged, sources = merge({})
    assert merged["server_port"] == facts.DEFAULT_SERVER_PORT == 4226
    assert merged["startup_timeout_ms"] == facts.DEFAULT_STARTUP_TIMEOUT_MS == 10_000
    assert merged["idle_timeout_s"] == facts.DEFAULT_IDLE_TIMEOUT_S == 600
    assert sources["startup_timeout_ms"] == "default"
    assert "backend" not in merged and "proxy" not in merged


def test_environment_beats_default():
    merged, sources = merge({"SCCACHE_SERVER_PORT": "4301", "SCCACHE_IDLE_TIMEOUT": "0"})
    assert merged["server_port"] == 4301
    assert merged["idle_timeout_s"] == 0
    assert sources["server_port"] == "environment (SCCACHE_SERVER_PORT)"


def test_artifact_beats_environment():
    config = ("sccache-config", [Fact("startup_timeout_ms", "60000", "config.toml", 1),
                                 Fact("backend", "oss", "config.toml", 3)])
    merged, sources = merge({"SCCACHE_BUCKET": "b", "SCCACHE_SERVER_PORT": "4301"}, config,
                            ("sccache-log", [Fact("server_port", 4226, "server.log", 3)]))
    assert merged["startup_timeout_ms"] == 60000  # converted to int
    assert sources["startup_timeout_ms"] == "config.toml:1"
    assert merged["backend"] == "oss"
    assert merged["server_port"] == 4226
    assert sources["server_port"] == "server.log:3"


def test_artifact_kinds_are_trusted_in_order():
    merged, sources = merge({}, ("env", [Fact("sccache_version", "0.3.0", "env.txt", 1)]),
                            ("sccache-stats", [Fact("sccache_version", "0.16.0", "stats.txt", 22)]))
    assert merged["sccache_version"] == "0.16.0"
    assert sources["sccache_version"] == "stats.txt:22"


def test_empty_values_do_not_count():
    merged, _ = merge({"SCCACHE_BUCKET": "  ", "HTTPS_PROXY": ""},
                      ("sccache-log", [Fact("backend", "", "server.log", 1)]))
    assert "backend" not in merged and "proxy" not in merged


def test_bad_numbers_fall_back_to_defaults():
    merged, sources = merge({}, ("sccache-config", [Fact("startup_timeout_ms", "soon", "config.toml", 1)]))
    assert merged["startup_timeout_ms"] == 10_000
    assert sources["startup_timeout_ms"] == "default"


def test_an_infinite_timeout_falls_back_to_the_default():
    merged, _ = merge({}, ("sccache-config", [Fact("startup_timeout_ms", float("inf"), "config.toml", 1)]))
    assert merged["startup_timeout_ms"] == 10_000


@pytest.mark.parametrize("env, backend", [
    ({"SCCACHE_BUCKET": "ci"}, "s3"),
    ({"SCCACHE_OSS_BUCKET": "ci"}, "oss"),
    ({"SCCACHE_GCS_BUCKET": "ci"}, "gcs"),
    ({"SCCACHE_REDIS_ENDPOINT": "redis://h"}, "redis"),
    ({"SCCACHE_WEBDAV_ENDPOINT": "https://h"}, "webdav"),
    ({"SCCACHE_AZURE_BLOB_CONTAINER": "c"}, "azure"),
    ({"SCCACHE_GHA_ENABLED": "true"}, "gha"),
    ({"SCCACHE_GHA_ENABLED": "off"}, None),
    ({"SCCACHE_BUCKET": "ci", "SCCACHE_OSS_BUCKET": "x"}, "s3"),  # sccache's own order
    ({}, None),
])
def test_backend_from_env(env, backend):
    assert facts.backend_from_env(env) == backend


def test_backend_bucket_and_endpoint_from_env():
    merged, sources = merge({"SCCACHE_OSS_BUCKET": "ci", "SCCACHE_OSS_ENDPOINT": "https://oss.example"})
    assert (merged["backend"], merged["bucket"], merged["endpoint"]) == ("oss", "ci", "https://oss.example")
    assert sources["backend"] == "environment"


def test_sccache_dir_means_disk():
    merged, _ = merge({"SCCACHE_DIR": "/cache"})
    assert merged["backend"] == "disk"


def test_proxy_from_https_proxy():
    merged, sources = merge({"HTTPS_PROXY": "http://127.0.0.1:7897"})
    assert merged["proxy"] == "http://127.0.0.1:7897"
    assert sources["proxy"] == "environment (HTTPS_PROXY)"


def test_https_proxy_wins_over_http_proxy():
    merged, _ = merge({"HTTP_PROXY": "http://other:1", "HTTPS_PROXY": "http://127.0.0.1:7897"})
    assert merged["proxy"] == "http://127.0.0.1:7897"


def test_proxy_stated_by_an_artifact_wins():
    merged, sources = merge({"HTTPS_PROXY": "http://env:1"},
                            ("sccache-log", [Fact("proxy", "http://127.0.0.1:7897/", "server.log", 7)]))
    assert merged["proxy"] == "http://127.0.0.1:7897/"
    assert sources["proxy"] == "server.log:7"
