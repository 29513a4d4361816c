"""cargo's side of the wrapper: replayed probe failures, config-file wrappers, killed compiles."""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule

WRAPPER_ERROR_MARKERS = ("sccache", "wrapper", "Timed out waiting for server", "Server startup failed")


@rule("rustc-info-replay", emits=("rustc-info-cached-failure",), reads=("daemon-not-listening",),
      needs=("rustc-info",))
def cached_probe_failure(ctx: Context) -> None:
    """What it detects: `target/.rustc_info.json` holding a failed `rustc -vV` probe whose stderr
    is a wrapper error.

    Why builds fail: since cargo 1.51 a failed probe is cached and replayed on later builds
    without running the wrapper again, so the old error comes back even after its cause is fixed.
    """
    failures = [r for r in ctx.records("rustc-info") if r.get("success") == "false"]
    wrapper_failures = [r for r in failures
                        if any(m in (r.get("stderr") or "") for m in WRAPPER_ERROR_MARKERS)]
    if not wrapper_failures:
        return
    record = wrapper_failures[0]
    stderr = (record.get("stderr") or "").strip()
    replayed = _cargo_shows(ctx, stderr)
    summary = (f"`{record.source}` holds a failed probe ({record.get('status') or 'failed'}) with the wrapper's "
               f"error; cargo replays it on every build until the file is deleted.")
    if replayed:
        summary += " The cargo output shows exactly this stored error."
    healthy = _server_healthy_now(ctx)
    if replayed and healthy:
        summary += f" Meanwhile the server is healthy ({healthy}), so the error is only a replay."
    ctx.add("rustc-info-cached-failure", confidence="strong" if replayed and healthy else "moderate",
            reason="failed probe stored in .rustc_info.json" + (", replayed by cargo" if replayed else "")
                   + (f" while {healthy}" if replayed and healthy else ""),
            summary=summary, evidence=[Evidence.of(record, f"stderr: {stderr.splitlines()[0] if stderr else ''}")])


def _server_healthy_now(ctx: Context) -> str:
    """Positive evidence that a server runs fine now: stats that name a cache, or a clean start in the log."""
    if ctx.matched("daemon-not-listening") or ctx.has_finding("daemon-not-listening"):
        return ""
    if ctx.facts.get("cache_location") and ctx.has("sccache-stats"):
        return f"`--show-stats` answers with cache location {ctx.facts['cache_location']}"
    starts = ctx.events("server-start", "sccache-log")
    listening = ctx.events("server-listening", "sccache-log")
    failed = ctx.events("storage-check-failed", "sccache-log")
    if starts and listening and listening[-1].line > starts[-1].line and not (failed and failed[-1].line > starts[-1].line):
        return "the last server start in the log reached `server started, listening`"
    return ""


def _cargo_shows(ctx: Context, stderr: str) -> bool:
    first = stderr.splitlines()[0].strip() if stderr else ""
    if not first:
        return False
    return any(first in r.text for r in ctx.records("cargo-output"))


@rule("wrapper-config", emits=("wrapper-from-config",), needs=("cargo-config",))
def wrapper_from_config(ctx: Context) -> None:
    """What it detects: `build.rustc-wrapper = "sccache"` in a `.cargo/config.toml` of the bundle.

    Why builds fail: leaving `RUSTC_WRAPPER` unset does not turn the wrapper off, so cargo runs
    sccache although the shell shows no wrapper; only an empty `RUSTC_WRAPPER` (or
    `--config "build.rustc-wrapper=''"`) disables it.
    """
    entries = [r for r in ctx.records("cargo-config")
               if r.get("key") in ("build.rustc-wrapper", "build.rustc-workspace-wrapper")
               and "sccache" in (r.get("value") or "")]
    if not entries:
        return
    env_value = ctx.env.get("RUSTC_WRAPPER") if ctx.has("env") else None
    if env_value is not None and env_value.strip() == "":
        summary = ("The wrapper is set in a cargo config file, and `RUSTC_WRAPPER` is set to the empty string, "
                   "which disables it for builds run with this environment.")
        role = "benign"
    elif env_value:
        summary = f"The wrapper is set in a cargo config file; `RUSTC_WRAPPER={env_value}` overrides it."
        role = "benign"
    else:
        unset = " while `RUSTC_WRAPPER` is unset" if ctx.has("env") else ""
        summary = (f"cargo runs sccache because `{entries[0].source}` sets `{entries[0].get('key')}`{unset}; "
                   "unsetting the variable does not turn it off, an empty `RUSTC_WRAPPER` does.")
        role = None
    ctx.add("wrapper-from-config", confidence="moderate", role=role,
            reason=f"{entries[0].get('key')} = {entries[0].get('value')}", summary=summary,
            evidence=[Evidence.of(r) for r in entries[:2]])


@rule("killed-compiles", emits=("compile-interrupted-by-kill",),
      reads=("compile-interrupted-by-kill", "unhandled-compile-passthrough"))
def compile_killed(ctx: Context) -> None:
    """What it detects: sccache or rustc processes killed while compiles were in flight.

    Why builds fail: a compile whose wrapper or server is killed fails with an exit code and no
    compiler diagnostics (`exit code: 1`, `signal: 9, SIGKILL: kill`), which looks like a code
    error but is not one.
    """
    kills = [r for r in ctx.records("shell-transcript") if r.event == "kill"]
    kills += [m.record for m in ctx.matched("compile-interrupted-by-kill")]
    signals = [r for r in ctx.records("cargo-output")
               if "SIGKILL" in r.text or "signal: 9" in r.text or "STATUS_CONTROL_C_EXIT" in r.text]
    compile_errors = ctx.events("compile-error", "cargo-output")
    failed_without_diagnostics = [r for r in ctx.events("could-not-compile", "cargo-output")
                                  if not compile_errors]
    if compile_errors:
        return
    if (kills and (failed_without_diagnostics or signals or ctx.matched("unhandled-compile-passthrough"))) or signals:
        evidence = [Evidence.of(r) for r in (kills[:2] + signals[:2] + failed_without_diagnostics[:2])]
        what = "killed" if kills else "ended by a kill signal"
        # The kill signatures alone are contributing/symptom; a compile that failed without
        # diagnostics right where the kill happened makes the kill the cause.
        ctx.add("compile-interrupted-by-kill", confidence="strong",
                role="root-cause" if failed_without_diagnostics or signals else None,
                reason=f"compiler processes {what}; failed compiles carry no compiler diagnostics",
                summary=("Compiles failed without any `error[E…]` diagnostics right where sccache or "
                         f"rustc processes were {what}: the kill interrupted them; the code is not at fault."),
                evidence=evidence)
    elif kills:
        ctx.add("compile-interrupted-by-kill", confidence="weak", role="contributing",
                reason="sccache processes were killed during the session",
                evidence=[Evidence.of(r) for r in kills[:2]])
