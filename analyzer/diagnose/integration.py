"""Build-system integration of C/C++ builds: did the build route its compiles through sccache at
all, and which non-cacheable reasons are limits one can fix rather than the normal ones."""

from __future__ import annotations

from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Evidence
from analyzer.diagnose.registry import rule
from analyzer.parsers.build_output import COMPILE_COMMAND

LAUNCHER_VARS = ("CMAKE_C_COMPILER_LAUNCHER", "CMAKE_CXX_COMPILER_LAUNCHER", "CMAKE_CUDA_COMPILER_LAUNCHER",
                 "CMAKE_OBJC_COMPILER_LAUNCHER", "CMAKE_OBJCXX_COMPILER_LAUNCHER", "CC", "CXX")
# Generators that do not run CMAKE_<LANG>_COMPILER_LAUNCHER (MSBuild drives cl.exe itself).
IGNORING_GENERATORS = ("Visual Studio",)
MIN_COMPILES = 1

# Reasons sccache cannot cache a call that are expected: probes, preprocess-only calls, crate
# types and incremental builds (handled by non-cacheable-calls' advice). Any other reason is a
# limit of sccache's argument parser that a flag change or an upgrade can lift.
NORMAL_REASONS = frozenset({
    "crate-type", "incremental", "missing input", "-", "-E", "-M", "no input file", "-###", "-##",
    "--dry-run", "-n", "output to nul", "extra-filename",
})
ADVICE = {
    "-save-temps": "drop -save-temps from cached builds",
    "multiple input files": "compile one source file per compiler call",
    "-x": "let the file extension name the language instead of -x",
    "@": "pass flags on the command line instead of a response file",
    "shared pdb": "use /Z7 (debug info in the object) instead of /Zi",
    "unknown source language": "use a file extension sccache knows (.c, .cc, .cpp, .cxx, .cu, …)",
    "-fprofile-use": "profile-guided builds are not cached; keep them out of the cache",
    "-fmodules": "C++ modules are not cached by this sccache version",
}
LIMIT_SHARE = 0.5


def _commands(ctx: Context) -> list:
    marked = ctx.events("compile-command", "build-output")
    return marked + [r for r in ctx.records("shell-transcript") if COMPILE_COMMAND.match(r.text.strip())]


def _stat(ctx: Context, name: str) -> float | None:
    try:
        value = ctx.facts.get(f"stats.{name}")
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@rule("launcher-not-applied", emits=("launcher-not-applied",), needs=("build-output", "shell-transcript"))
def launcher_not_applied(ctx: Context) -> None:
    """What it detects: a C/C++ build that ran its compilers directly while sccache was meant to
    wrap them (a launcher variable the build never reads, a generator that ignores it).

    Why it matters: the build passes and the cache stays empty: every CI run compiles everything.
    Fix: put the launcher where the build reads it: `-DCMAKE_<LANG>_COMPILER_LAUNCHER=sccache` on a
    Ninja or Makefile generator, `CC="sccache gcc"` for make, a wrapper the generator runs.
    """
    commands = _commands(ctx)
    direct = [r for r in commands if "sccache" not in r.text.lower()]
    through = [r for r in commands if "sccache" in r.text.lower()]
    requests = _stat(ctx, "compile_requests")
    launchers = [f"{name}={ctx.env[name]}" for name in LAUNCHER_VARS if "sccache" in ctx.env.get(name, "").lower()]
    generator = str(ctx.facts.get("cmake_generator") or "")
    if through or (requests is not None and requests > 0):
        return
    if len(direct) >= MIN_COMPILES and (launchers or requests == 0):
        reason = f"{len(direct)} compile command(s) ran without sccache"
    elif generator.startswith(IGNORING_GENERATORS) and requests == 0 and launchers:
        reason = f"the CMake generator is {generator}, which does not run compiler launchers"
    else:
        return
    said = []
    if launchers:
        said.append(f"the environment sets {', '.join(launchers[:3])}")
    if requests == 0:
        said.append("`sccache --show-stats` counts no compile request")
    ctx.add("launcher-not-applied", confidence="strong" if requests == 0 else "moderate", layer="environment",
            role="root-cause",
            reason=reason + (f"; {'; '.join(said)}" if said else ""),
            summary=(("The build ran its compilers directly (`" + direct[0].text.strip()[:80] + "`)" if direct
                      else f"The build used CMake's {generator} generator, which drives the compiler itself")
                     + ", never through sccache" + (f", although {' and '.join(said)}" if said else "")
                     + ": the launcher setting is not one this build reads."),
            evidence=[Evidence.of(r) for r in direct[:3]] + [
                Evidence.of(r) for r in ctx.records("sccache-stats") if r.get("name") == "Compile requests"][:1])


def _reasons(ctx: Context) -> tuple[dict[str, float], list]:
    """Non-cacheable reasons with their counts: from the stats, else from CannotCache lines."""
    counts: dict[str, float] = {}
    evidence = []
    for record in ctx.records("sccache-stats"):
        name = record.get("name") or ""
        if name.startswith("Non-cacheable reason: "):
            reason = name.removeprefix("Non-cacheable reason: ")
            try:
                counts[reason] = max(counts.get(reason, 0.0), float(record.get("value") or 0))
            except ValueError:
                continue
            if reason not in NORMAL_REASONS:
                evidence.append(record)
    if counts:
        return counts, evidence
    for match in ctx.matched("non-cacheable-limitation"):
        logged = match.get("reason")
        if logged:
            counts[logged] = counts.get(logged, 0.0) + 1
            evidence.append(match.record)
    return counts, evidence


@rule("non-cacheable-limitation", emits=("non-cacheable-limitation",), needs=("sccache-stats", "sccache-log"))
def non_cacheable_limitation(ctx: Context) -> None:
    """What it detects: calls sccache refused to cache for a reason that is a limit of its
    argument parser (`-save-temps`, `-x`, several inputs in one call, response files, `/Zi`),
    not one of the normal reasons (probes, crate types, incremental builds).

    Why it matters: those calls are compiled every time; when they are most of the build the cache
    is useless although it works.
    Fix: change the flag (each reason's advice in the finding) or upgrade to an sccache that caches it.
    """
    counts, evidence = _reasons(ctx)
    limits = {reason: n for reason, n in counts.items() if reason not in NORMAL_REASONS}
    if not limits:
        return
    total = sum(limits.values())
    requests = _stat(ctx, "compile_requests")
    dominant = requests is not None and requests > 0 and total / requests >= LIMIT_SHARE
    listed = ", ".join(f"`{reason}` {int(n)}" for reason, n in sorted(limits.items(), key=lambda kv: -kv[1])[:5])
    advice = "; ".join(f"{reason}: {ADVICE[reason]}" for reason in limits if reason in ADVICE)
    ctx.add("non-cacheable-limitation", confidence="moderate" if dominant else "weak", layer="cache-wrapper",
            role="root-cause" if dominant else "contributing",
            reason=f"{int(total)} call(s) not cached for reasons sccache can be helped past: {listed}"
                   + (f" of {int(requests)} compile requests" if requests else ""),
            summary=(f"sccache refused to cache {int(total)} call(s) because of flags or inputs it does not "
                     f"handle ({listed})" + (f"; {advice}" if advice else "") + "."),
            evidence=[Evidence.of(r) for r in evidence[:4]])
