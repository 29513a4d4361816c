"""`sccache --dist-status` is captured from a running server only: asking it without one would
start a server, and a collector changes nothing on the machine it inspects."""

from __future__ import annotations

import socket

from analyzer.collect import collector, layout
from tests.collect.scripts import PS1, SH


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_listening_port_counts_as_a_running_server():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert collector.server_listening({"SCCACHE_SERVER_PORT": str(port)})


def test_a_closed_port_or_a_bad_value_is_no_server():
    assert not collector.server_listening({"SCCACHE_SERVER_PORT": str(_free_port())})
    assert not collector.server_listening({"SCCACHE_SERVER_PORT": "not-a-port"})
    assert not collector.server_listening({"SCCACHE_SERVER_PORT": "70000"})


def test_the_three_collectors_name_and_skip_it_alike():
    assert layout.FILES["dist_status"] == "sccache-dist-status.txt"
    assert collector.SKIPPED_DIST_STATUS in SH
    assert collector.SKIPPED_DIST_STATUS in PS1
    assert "--dist-status" in SH and "--dist-status" in PS1


def test_the_env_dump_keeps_compiler_and_launcher_settings_but_not_the_actions_token():
    keep = layout.RELEVANT_ENV_RE
    for name in ("CC", "CXX", "CMAKE_C_COMPILER_LAUNCHER", "CMAKE_CXX_COMPILER_LAUNCHER",
                 "CMAKE_CUDA_COMPILER_LAUNCHER", "CMAKE_GENERATOR", "ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL"):
        assert keep.match(name), name
    assert not keep.match("ACTIONS_RUNTIME_TOKEN")
    assert not keep.match("CCACHE_DIR")
