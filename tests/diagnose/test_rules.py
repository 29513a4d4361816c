"""Each correlation rule on its own, over a handful of records: what it adds, what it rules out.

`run` gives one rule the records (and the findings other rules would have made before it),
and returns the context after only that rule ran.
"""

from __future__ import annotations

import pytest

from analyzer.diagnose import DiagnosisInput, ScanSummary, load_rules
from analyzer.diagnose.context import Context
from analyzer.diagnose.matches import lift_matches
from analyzer.patterns.model import Match
from analyzer.records import Fact, Previous, Record, fields
from tests.shared import knowledge

LOG = "sccache.log"


def rec(kind: str, line: int, text: str, time: str | None = None, event: str | None = None,
        source: str | None = None, **values: object) -> Record:
    return Record(source or f"{kind}.txt", kind, line, text, time=time, event=event, fields=fields(**values))


def log(line: int, time: str, text: str, event: str | None = None) -> Record:
    return rec("sccache-log", line, text, time=time, event=event, source=LOG)


def matched(*records: Record) -> tuple[Match, ...]:
    return tuple(m for r in records for m in knowledge().match(r))


def run(rule_name: str, *records: Record, matches: tuple[Match, ...] = (), given: tuple[str, ...] = (),
        facts: tuple[tuple[str, Fact], ...] = (), scan: ScanSummary | None = None) -> Context:
    inputs = DiagnosisInput.from_records(*records, matches=matches, facts=facts, scan=scan)
    ctx = Context(inputs, knowledge())
    lift_matches(ctx)
    ctx.rule_name = "given"
    for finding_id in given:
        ctx.add(finding_id, confidence="moderate", reason="given")
    ctx.rule_name = rule_name
    load_rules()[rule_name].func(ctx)
    return ctx


def finding(ctx: Context, finding_id: str):
    return ctx.findings[finding_id]


def test_every_rule_has_a_test_here():
    tested = {name for name in load_rules() if f'"{name}"' in open(__file__, encoding="utf-8").read()}
    assert tested == set(load_rules())


# -- startup-timing -----------------------------------------------------------------------------

START = log(1, "2026-01-01T10:00:00Z", "start_server: 127.0.0.1:4226", "server-start")
INIT = log(2, "2026-01-01T10:00:00Z", "Init oss cache with bucket b", "storage-init")
TIMEOUT = rec("cargo-output", 1, "sccache: error: Timed out waiting for server startup")


def test_a_storage_check_longer_than_the_client_waits_is_the_cause():
    listening = log(3, "2026-01-01T10:00:16Z", "server started, listening on 127.0.0.1:4226", "server-listening")
    ctx = run("startup-timing", START, INIT, listening, TIMEOUT, matches=matched(TIMEOUT))
    found = finding(ctx, "storage-check-slow")
    assert found.confidence == "strong" and "16.0 s" in found.summary
    assert ctx.facts["storage_check_s"] == 16.0


def test_a_quick_storage_check_is_ruled_out_when_the_client_gave_up():
    listening = log(3, "2026-01-01T10:00:02Z", "server started, listening on 127.0.0.1:4226", "server-listening")
    ctx = run("startup-timing", START, INIT, listening, TIMEOUT, matches=matched(TIMEOUT))
    assert not ctx.has_finding("storage-check-slow")
    assert "within the 10 s" in ctx.ruled_out["storage-check-slow"].reason


def test_an_unfinished_check_counts_when_the_client_gave_up_even_if_only_sockets_say_so():
    # The client gave up, seen only as a daemon-not-listening finding of the sockets rule.
    ctx = run("startup-timing", START, INIT, scan=ScanSummary(last_time={LOG: "2026-01-01T10:00:09Z"}),
              given=("daemon-not-listening",))
    assert finding(ctx, "storage-check-slow").confidence == "strong"


def test_a_clock_jump_is_not_a_day_long_check():
    listening = log(3, "2026-01-03T10:00:00Z", "server started, listening on 127.0.0.1:4226", "server-listening")
    ctx = run("startup-timing", START, INIT, listening, TIMEOUT, matches=matched(TIMEOUT))
    assert not ctx.has_finding("storage-check-slow")


# -- idle-timeout -------------------------------------------------------------------------------

IDLE = log(10, "2026-01-01T10:20:00Z", "shutting down due to being idle or request", "server-shutdown")


def test_an_idle_shutdown_with_a_broken_channel_and_no_finished_build_is_the_cause():
    broken = rec("cargo-output", 3, "sccache: error: Failed to send data to or receive data from server")
    scan = ScanSummary(previous={(LOG, 10): Previous("2026-01-01T10:09:00Z", "handle_client: compile")})
    ctx = run("idle-timeout", IDLE, broken, matches=matched(broken), scan=scan)
    found = finding(ctx, "server-idle-timeout")
    assert (found.role, found.role_fixed, found.confidence) == ("root-cause", True, "strong")


def test_an_idle_shutdown_after_a_quiet_build_is_benign():
    ctx = run("idle-timeout", IDLE, scan=ScanSummary(previous={(LOG, 10): Previous("2026-01-01T10:09:00Z", "x")}))
    assert finding(ctx, "server-idle-timeout").role == "benign"


def test_a_stop_request_is_not_an_idle_shutdown():
    scan = ScanSummary(previous={(LOG, 10): Previous("2026-01-01T10:19:59Z", "handle_client: shutdown")})
    assert not run("idle-timeout", IDLE, scan=scan).has_finding("server-idle-timeout")


# -- sockets ------------------------------------------------------------------------------------

def sock(line: int, state: str, local: str, remote: str, pid: str, process: str | None = None, recv_q: str = "0"):
    (laddr, lport), (raddr, rport) = local.rsplit(":", 1), remote.rsplit(":", 1)
    return rec("sockets", line, f"{state} {local} {remote}", state=state, local_addr=laddr, local_port=lport,
               remote_addr=raddr, remote_port=rport, pid=pid, process=process, recv_q=recv_q)


def test_a_foreign_listener_on_the_port_holds_it():
    ctx = run("server-port-listener", sock(1, "LISTEN", "127.0.0.1:4226", "0.0.0.0:0", "77", "python3"))
    assert "python3" in finding(ctx, "server-port-in-use").summary
    assert "daemon-not-listening" in ctx.ruled_out


def test_knocking_on_an_empty_port_is_a_daemon_not_listening():
    ctx = run("server-port-listener", sock(1, "SYN_SENT", "127.0.0.1:50000", "127.0.0.1:4226", "12", "sccache"))
    assert finding(ctx, "daemon-not-listening").confidence == "strong"


def test_sccache_listening_is_fine():
    ctx = run("server-port-listener", sock(1, "LISTEN", "127.0.0.1:4226", "0.0.0.0:0", "12", "sccache"))
    assert not ctx.findings and "daemon-not-listening" in ctx.ruled_out


def test_a_refused_bind_on_an_unowned_port_is_a_reserved_port():
    bind = rec("cargo-output", 1, "sccache: error: An attempt was made to access a socket in a way forbidden by its "
                                  "access permissions. (os error 10013)")
    other = sock(1, "LISTEN", "0.0.0.0:135", "0.0.0.0:0", "900", "svchost")
    ctx = run("port-reserved", bind, other, matches=matched(bind))
    assert finding(ctx, "server-port-reserved").confidence == "strong"


# -- processes ----------------------------------------------------------------------------------

def proc(line: int, pid: str, cmdline: str):
    return rec("processes", line, cmdline, pid=pid, name="sccache.exe", cmdline=cmdline)


def test_only_clients_and_no_server_is_server_not_running():
    ctx = run("server-process", proc(1, "10", "sccache.exe --show-stats"), proc(2, "11", "sccache rustc -vV"))
    assert finding(ctx, "server-not-running").confidence == "moderate"


def test_a_bare_sccache_process_is_a_server():
    ctx = run("server-process", proc(1, "10", "sccache.exe --show-stats"), proc(2, "11", "sccache.exe"))
    assert not ctx.findings


# -- cargo --------------------------------------------------------------------------------------

PROBE = rec("rustc-info", 4, "cached rustc probe 1: failure", success="false", status="exit status: 2",
            stderr="sccache: error: Timed out waiting for server startup")


def test_a_stored_wrapper_failure_replayed_while_the_server_is_healthy_is_strong():
    shown = rec("cargo-output", 1, "sccache: error: Timed out waiting for server startup")
    start = log(1, "2026-01-01T10:00:00Z", "start_server", "server-start")
    up = log(2, "2026-01-01T10:00:01Z", "server started, listening on 127.0.0.1:4226", "server-listening")
    ctx = run("rustc-info-replay", PROBE, shown, start, up)
    assert finding(ctx, "rustc-info-cached-failure").confidence == "strong"


def test_a_stored_failure_is_not_a_replay_while_nothing_listens():
    shown = rec("cargo-output", 1, "sccache: error: Timed out waiting for server startup")
    ctx = run("rustc-info-replay", PROBE, shown, given=("daemon-not-listening",))
    assert finding(ctx, "rustc-info-cached-failure").confidence == "moderate"


def test_an_empty_rustc_wrapper_turns_the_config_wrapper_off():
    config = rec("cargo-config", 2, 'rustc-wrapper = "sccache"', key="build.rustc-wrapper", value="sccache")
    env = rec("env", 1, "RUSTC_WRAPPER=", name="RUSTC_WRAPPER", value="")
    assert finding(run("wrapper-config", config, env), "wrapper-from-config").role == "benign"
    unset = run("wrapper-config", config)
    assert not finding(unset, "wrapper-from-config").role_fixed


def test_a_kill_with_a_failed_compile_and_no_diagnostics_is_the_cause():
    kill = rec("shell-transcript", 5, "taskkill /F /IM sccache.exe", event="kill")
    failed = rec("cargo-output", 9, "error: could not compile `demo` (lib)", event="could-not-compile")
    ctx = run("killed-compiles", kill, failed)
    assert finding(ctx, "compile-interrupted-by-kill").role == "root-cause"


def test_a_kill_beside_real_compiler_errors_says_nothing():
    kill = rec("shell-transcript", 5, "taskkill /F /IM sccache.exe", event="kill")
    error = rec("cargo-output", 3, "error[E0425]: cannot find value `x`", event="compile-error", code="E0425")
    assert not run("killed-compiles", kill, error).findings


# -- differential -------------------------------------------------------------------------------

def test_real_compiler_errors_are_the_code_and_rule_out_the_cache():
    error = rec("cargo-output", 3, "error[E0425]: cannot find value `x`", event="compile-error", code="E0425")
    ctx = run("compile-errors", error)
    assert finding(ctx, "source-compile-error").layer == "source-code"
    assert "storage-check-slow" in ctx.ruled_out


def test_an_incompatible_crate_alone_makes_the_compile_error_a_symptom():
    error = rec("cargo-output", 3, "error[E0514]: found crate `serde` compiled by an incompatible version of rustc",
                event="compile-error", code="E0514")
    failed = rec("cargo-output", 4, "error: could not compile `demo` (lib) due to 1 previous error")
    ctx = run("compile-errors", error, failed, matches=matched(error, failed))
    assert finding(ctx, "source-compile-error").role == "symptom"
    assert "storage-check-slow" not in ctx.ruled_out


def test_a_working_rustc_rules_out_the_toolchain():
    ok = rec("version-info", 1, "rustc 1.80.0 (051478957 2024-07-21)", event="rustc-version-ok")
    assert "toolchain-broken" in run("toolchain-works", ok).ruled_out


def test_a_failed_probe_rules_out_the_code():
    probe = rec("cargo-output", 1, "error: process didn't exit successfully: `sccache rustc -vV` (exit status: 2)")
    ctx = run("no-code-fault", probe, matches=matched(probe))
    assert "source-compile-error" in ctx.ruled_out


# -- settings -----------------------------------------------------------------------------------

def env(line: int, name: str, value: str) -> Record:
    return rec("env", line, f"{name}={value}", name=name, value=value)


def test_a_wishful_variable_is_an_ignored_setting():
    ctx = run("ignored-settings", env(1, "SCCACHE_STARTUP_TIMEOUT", "60"), env(2, "SCCACHE_DIR", "/c"))
    found = finding(ctx, "setting-ignored")
    assert "SCCACHE_STARTUP_TIMEOUT" in found.summary and "SCCACHE_DIR" not in found.summary


def test_a_misspelled_variable_gets_a_suggestion():
    ctx = run("ignored-settings", env(1, "SCCACHE_BUKET", "b"))
    assert "SCCACHE_BUCKET" in finding(ctx, "setting-ignored").summary


def test_a_server_on_another_backend_than_the_environment_is_stale():
    stats = ("sccache-stats", Fact("cache_location", "Local disk: \"/c\"", "stats.txt", 3))
    ctx = run("stale-server", env(1, "SCCACHE_BUCKET", "b"), facts=(stats,))
    assert "s3" in finding(ctx, "server-stale-environment").reason


def test_a_proxy_for_a_remote_backend_is_noted_weakly():
    ctx = run("proxy", env(1, "SCCACHE_BUCKET", "b"), env(2, "HTTPS_PROXY", "http://127.0.0.1:7897"))
    assert finding(ctx, "proxy-in-path").confidence == "weak"
    assert not run("proxy", env(1, "SCCACHE_DIR", "/c"), env(2, "HTTPS_PROXY", "http://p:1")).findings


# -- effectiveness and versions -----------------------------------------------------------------

def stats(**values: float) -> tuple[tuple[str, Fact], ...]:
    return tuple(("sccache-stats", Fact(f"stats.{name}", value, "stats.txt", 1)) for name, value in values.items())


def test_stats_with_few_hits_and_errors():
    marker = rec("sccache-stats", 1, "Compile requests 40")
    ctx = run("stats", marker, facts=stats(compile_requests=40, cache_hits=2, cache_misses=30,
                                           non_cacheable_calls=8, cache_write_errors=3))
    assert {"low-cache-hit-rate", "cache-write-errors"} <= set(ctx.findings)
    assert "non-cacheable-calls" not in ctx.findings  # 8 of 40 is not most calls


@pytest.mark.parametrize(("version", "expected"), [("0.3.0", True), ("0.4.0", False)])
def test_a_known_defect_needs_the_version_and_a_symptom(version, expected):
    facts = (("sccache-log", Fact("sccache_version", version, LOG, 1)), ("env", Fact("backend", "s3", "env.txt", 1)))
    ctx = run("known-defects", rec("env", 1, "SCCACHE_BUCKET=b", name="SCCACHE_BUCKET", value="b"),
              facts=facts, given=("aws-imds-credentials",))
    assert ctx.has_finding("sccache-known-defect") is expected


def test_missing_artifacts_name_the_ids_each_kind_would_enable():
    ctx = run("missing-artifacts", rec("cargo-output", 1, "Finished"))
    notes = {m.artifact: m.would_enable for m in ctx.missing}
    assert "cargo-output" not in notes
    assert "storage-check-slow" in notes["sccache-log"]
    assert "daemon-not-listening" in notes["sockets"]


# -- cache-health -------------------------------------------------------------------------------

def test_a_first_run_with_only_misses_is_a_cold_cache():
    marker = rec("sccache-stats", 1, "Cache misses 5")
    ctx = run("cache-health", marker, facts=stats(compile_requests=12, cache_hits=0, cache_misses=5,
                                                  cache_write_errors=0, cache_read_errors=0))
    assert ctx.cache_health.state == "cold" and "cold-cache" in ctx.findings


def test_the_same_crate_missing_twice_is_not_cold():
    misses = [log(n, "2026-01-01T10:00:00Z", "[util]: Cache miss in 0.000 s", "cache-miss") for n in (1, 2)]
    ctx = run("cache-health", *misses)
    assert (ctx.cache_health.state, ctx.cache_health.reason) == ("degraded", "low-cache-hit-rate")
    assert "cold-cache" not in ctx.findings


def test_every_write_failing_is_a_broken_cache():
    marker = rec("sccache-stats", 1, "Cache write errors 7")
    ctx = run("cache-health", marker, facts=stats(compile_requests=12, cache_hits=0, cache_misses=7,
                                                  cache_write_errors=7), given=("cache-write-errors",))
    assert (ctx.cache_health.state, ctx.cache_health.reason) == ("broken", "cache-write-errors")


# -- C/C++ integration, sccache-dist, backends --------------------------------------------------

def compile_line(line: int, text: str) -> Record:
    return rec("build-output", line, text, event="compile-command", tool="make")


def test_compiles_without_sccache_while_a_launcher_is_set_are_a_launcher_not_applied():
    ctx = run("launcher-not-applied", compile_line(2, "g++ -O1 -c main.cpp -o main.o"),
              env(1, "CMAKE_CXX_COMPILER_LAUNCHER", "sccache"), facts=stats(compile_requests=0))
    found = finding(ctx, "launcher-not-applied")
    assert found.confidence == "strong" and "CMAKE_CXX_COMPILER_LAUNCHER" in found.summary


def test_compiles_through_sccache_are_no_launcher_problem():
    ctx = run("launcher-not-applied", compile_line(2, "/usr/bin/sccache g++ -c main.cpp -o main.o"),
              compile_line(3, "g++ -c other.cpp -o other.o"), env(1, "CC", "sccache gcc"),
              facts=stats(compile_requests=0))
    assert not ctx.findings
    assert not run("launcher-not-applied", compile_line(2, "g++ -c a.cpp -o a.o")).findings  # nothing meant


def test_a_visual_studio_generator_with_a_launcher_and_no_requests_is_a_launcher_not_applied():
    generator = ("build-output", Fact("cmake_generator", "Visual Studio 17 2022", "build.txt", 2))
    ctx = run("launcher-not-applied", env(1, "CMAKE_C_COMPILER_LAUNCHER", "sccache"),
              facts=(generator, *stats(compile_requests=0)))
    assert "Visual Studio 17 2022" in finding(ctx, "launcher-not-applied").reason


def reason_row(line: int, reason: str, count: int) -> Record:
    return rec("sccache-stats", line, f"{reason}  {count}", name=f"Non-cacheable reason: {reason}", value=str(count))


def test_limits_of_the_argument_parser_are_a_limitation_and_lead_when_they_dominate():
    ctx = run("non-cacheable-limitation", reason_row(1, "-save-temps", 6), reason_row(2, "crate-type", 3),
              facts=stats(compile_requests=10))
    found = finding(ctx, "non-cacheable-limitation")
    assert (found.role, found.confidence) == ("root-cause", "moderate") and "-save-temps" in found.summary
    assert "crate-type" not in found.reason


def test_normal_reasons_are_no_limitation():
    ctx = run("non-cacheable-limitation", reason_row(1, "crate-type", 14), reason_row(2, "-", 10),
              reason_row(3, "incremental", 4), facts=stats(compile_requests=40))
    assert not ctx.findings


def dist_status(state: str, **values: str) -> Record:
    return rec("dist-status", 1, "{}", state=state, scheduler="http://127.0.0.1:10600/", **values)


def test_not_connected_is_an_unreachable_scheduler_and_builders_rule_it_out():
    ctx = run("dist-status", dist_status("not-connected", detail="enabled, not connected, will retry in 29.7s"))
    assert "will retry" in finding(ctx, "dist-scheduler-unreachable").summary
    ctx = run("dist-status", dist_status("connected", num_servers="2"))
    assert not ctx.findings and "dist-scheduler-unreachable" in ctx.ruled_out


def test_gha_variables_without_the_switch_and_a_disk_cache_are_a_backend_not_in_use():
    disk = rec("sccache-stats", 5, 'Cache location  Local disk: "/c"', name="Cache location", value='Local disk: "/c"')
    ctx = run("backend-not-in-use", env(1, "ACTIONS_RESULTS_URL", "https://results/"), disk)
    assert "SCCACHE_GHA_ENABLED" in finding(ctx, "backend-not-in-use").summary
    assert not run("backend-not-in-use", env(1, "ACTIONS_RESULTS_URL", "https://r/"),
                   env(2, "SCCACHE_GHA_ENABLED", "true"), disk).findings
    assert not run("backend-not-in-use", env(1, "SCCACHE_BUCKET", "b"), disk).findings  # stale server's business
