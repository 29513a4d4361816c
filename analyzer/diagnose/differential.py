"""Differential diagnosis: what the evidence rules out, and real code errors vs cache trouble."""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule

CACHE_LAYER_IDS = ("server-startup-timeout", "storage-check-slow", "storage-check-failed", "ipc-broken",
                   "server-exited-midbuild", "cache-served-bad-artifact")


@rule("compile-errors", emits=("source-compile-error",), reads=("source-compile-error",))
def real_compile_errors(ctx: Context) -> None:
    """What it detects: real compiler diagnostics (`error[E0425]: …`, gcc/clang/MSVC `error:` lines)
    behind a failed build.

    Why builds fail: the code does not compile; sccache only passed the compiler's verdict on.
    """
    errors = ctx.events("compile-error", "cargo-output") + ctx.events("compile-error", "build-output")
    errors += [m.record for m in ctx.matched("source-compile-error")]
    if not errors:
        return
    codes = sorted({code for r in errors if (code := r.get("code"))})
    incompatible = [r for r in errors if r.get("code") == "E0514"]
    if incompatible and len(codes) == 1:
        # A crate from another rustc: that is cache-served-bad-artifact's business. The
        # `could not compile … due to 1 previous error` line that follows it is its symptom.
        if ctx.matched("source-compile-error"):
            ctx.add("source-compile-error", confidence="weak", role="symptom",
                    reason="the only compiler error is E0514: a crate from another rustc")
        return
    ctx.add("source-compile-error", confidence="strong", layer="source-code",
            reason=f"{len(errors)} compiler error(s)" + (f": {', '.join(codes[:5])}" if codes else ""),
            summary=(f"The build failed on real compiler errors in the code, first `{errors[0].headline(200)}` "
                     f"({errors[0].source}:{errors[0].line}); sccache passed the compiler's diagnostics through "
                     "unchanged."),
            evidence=[Evidence.headline(r) for r in errors[:4]])
    for cache_id in CACHE_LAYER_IDS:
        if not ctx.matched(cache_id):
            ctx.rule_out(cache_id, "the compiler itself reported errors in the code, and the cache shows no "
                                   "trouble of its own", [Evidence.headline(errors[0])])


@rule("toolchain-works", emits=("toolchain-broken",), reads=("toolchain-broken",))
def toolchain(ctx: Context) -> None:
    """What it detects: whether rustc itself runs (a direct `rustc -vV`).

    Why builds fail: a broken toolchain fails every build; when a direct `rustc -vV` prints its
    version, the toolchain is ruled out and the wrapper is where to look.
    """
    ok = ctx.events("rustc-version-ok")
    cached_ok = [r for r in ctx.records("rustc-info") if r.get("success") == "true" and "release:" in (r.get("stdout") or "")]
    broken = ctx.matched("toolchain-broken")
    if broken:
        ctx.add("toolchain-broken", confidence="strong", layer="toolchain",
                reason="a direct rustc invocation failed")
        return
    if ok:
        version = ctx.facts.get("rustc_version", "")
        ctx.rule_out("toolchain-broken", f"`rustc -vV` works{f' ({version})' if version else ''}: not a toolchain fault",
                     [Evidence.of(ok[0])])
    elif cached_ok:
        ctx.rule_out("toolchain-broken", "cargo's stored `rustc -vV` probe succeeded once: rustc itself runs",
                     [Evidence.of(cached_ok[0], "success: true")])


@rule("no-code-fault", reads=("rustc-probe-failed",))
def not_the_code(ctx: Context) -> None:
    """What it detects: a build that stopped before any crate was compiled.

    Why it matters: when cargo fails in its `rustc -vV` probe, no line of the project's code
    was compiled, so `source-compile-error` is ruled out.
    """
    if ctx.matched("rustc-probe-failed") and not ctx.events("compile-error"):
        probe = ctx.matched("rustc-probe-failed")[0].record
        ctx.rule_out("source-compile-error", "cargo failed in its `rustc -vV` probe through the wrapper, "
                                             "before compiling any crate: not a code error", [Evidence.headline(probe)])
