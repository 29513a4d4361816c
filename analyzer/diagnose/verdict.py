"""The two questions and the one verdict: did the build fail and why; is the cache doing its job
and if not why.

Runs after the roles are assigned. It reads the build's outcome from every source (cargo, make,
ninja, MSBuild, the sccache client's own errors), then:

* a failed build keeps the root cause the chain gave it (`build-failed`); when the bundle shows
  only a symptom, the verdict names no root cause and lists the candidates that fit;
* a finished build whose cache is broken or degraded gets a root cause from the cache findings,
  deepest first, with a layer and a fix (`cache-ineffective`), never a benign fold;
* a finished build with a working or cold cache is `healthy`;
* a bundle with nothing of sccache, cargo or a build tool is `nothing-recognised` (`sanity.py`,
  which sees the bundle itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.diagnose import cache_health
from analyzer.diagnose import confidence as scale
from analyzer.diagnose.candidates import Candidate, for_symptom
from analyzer.diagnose.context import Context
from analyzer.diagnose.model import Diagnosis, Evidence, Finding

STATUSES = ("build-failed", "cache-ineffective", "healthy", "nothing-recognised")
FAILURE_EVENTS = ("cargo-error", "compile-error", "could-not-compile", "probe-failed", "build-error")
# The sccache client's own errors fail the build unless the build tool says it finished
# (a failed `--show-stats`, or a client that fell back to compiling locally).
CLIENT_FAILURE_EVENTS = ("client-error", "server-start-failed")
NO_DEEPER = "no deeper cause in the artifacts"
# Root causes that say what broke but not why (a server that crashed): the report also lists the
# deeper causes that fit, with what tells them apart.
WHY_NOT_SHOWN = frozenset({"server-exited-midbuild"})
COUNT_ONLY = re.compile(r"^(?:more than )?\d+ matching line\(s\)")
# Cache findings that are the cause when the build finished (cache_health's order, deepest first).
CACHE_CAUSES = cache_health.BROKEN_BY + cache_health.DEGRADED_BY + cache_health.UNDERUSED_BY
DIST_CAUSES = frozenset(i for i in cache_health.UNDERUSED_BY if i.startswith("dist-"))
EXPLAINED_BY_ANY_CACHE_CAUSE = {"cache-write-errors", "cache-read-errors", "low-cache-hit-rate",
                                "remote-credentials-missing", "storage-check-failed"}


@dataclass
class Outcome:
    """What this module adds to a diagnosis (the report's `verdict.status`, `cache`, `candidates`)."""

    status: str
    cache: cache_health.CacheHealth
    lead: Finding | None = None  # the finding whose confidence the verdict carries
    symptom: str | None = None  # the symptom standing in for an unknown cause
    candidates: tuple[Candidate, ...] = ()
    defaulted: list[str] = field(default_factory=list)  # facts that are sccache's defaults, not the bundle's


def decide(ctx: Context, diagnosis: Diagnosis) -> Diagnosis:
    failed = _failure_records(ctx)
    finished = bool(ctx.events("build-finished")) and not failed
    if not finished and not ctx.events("build-finished"):
        failed += [r for event in CLIENT_FAILURE_EVENTS for r in ctx.events(event)]
    cache = getattr(ctx, "cache_health", None) or cache_health.assess(ctx, finished)
    outcome = Outcome("healthy", cache,
                      defaulted=sorted(n for n, source in ctx.fact_sources.items() if source == "default"))
    diagnosis.outcome = outcome
    top = next((f for f in diagnosis.findings if f.id == diagnosis.root_cause), None)
    if failed or (top is not None and not finished and not _cache_only(ctx, top)):
        outcome.status = "build-failed"
        if top is None or ctx.knowledge.causality(top.id).root_cause == "fallback" or NO_DEEPER in (top.reason or ""):
            _symptom_only(ctx, diagnosis, outcome, top, failed)
        else:
            outcome.lead = top
            if top.id in WHY_NOT_SHOWN:  # the crash is shown, not why: list what could lie behind it
                outcome.candidates = for_symptom(top.id)
            _write_summary(ctx, diagnosis, top)
        return diagnosis
    if cache.state in ("broken", "degraded") or (top is not None and top.id in DIST_CAUSES):
        outcome.status = "cache-ineffective"
        _cache_verdict(ctx, diagnosis, outcome, finished)
        return diagnosis
    outcome.status = "healthy"
    if diagnosis.root_cause is not None:  # a finished build has no failure to explain
        _clear(diagnosis, diagnosis.summary)
    diagnosis.summary = _healthy_summary(ctx, cache, finished)
    return diagnosis


def _clear(diagnosis: Diagnosis, summary: str) -> None:
    for finding in diagnosis.findings:
        if finding.role == "root-cause":
            finding.role = "contributing"
    diagnosis.root_cause, diagnosis.layer, diagnosis.summary = None, "none", summary


# -- the build's outcome -------------------------------------------------------------------
def _failure_records(ctx: Context) -> list:
    """Lines that say the build failed, from any source, in order of appearance."""
    return [r for event in FAILURE_EVENTS for r in ctx.events(event)]


def _cache_only(ctx: Context, top: Finding) -> bool:
    """With no word on the build's outcome, a cache or sccache-dist fault seen by a server that
    started (or compiled) is a question about sccache's job, not a failed build: neither stops a
    compile, which runs uncached or locally."""
    return top.id in CACHE_CAUSES and bool(ctx.events("server-listening", "sccache-log")
                                           or ctx.events("cache-miss", "sccache-log"))


# -- symptom-only bundles ------------------------------------------------------------------
def _symptom_only(ctx: Context, diagnosis: Diagnosis, outcome: Outcome, top: Finding | None, failed) -> None:
    symptom = top.id if top is not None else next(
        (f.id for f in diagnosis.findings if f.role == "symptom"), None)
    outcome.symptom = symptom
    outcome.candidates = for_symptom(symptom)
    outcome.lead = None
    if top is not None:
        top.role = "symptom"
        top.reason = (top.reason or "").replace("; " + NO_DEEPER, "").replace(NO_DEEPER, "")
    if top is not None:
        line, where = _matched_line(ctx, top)
        if not line:
            line = _decisive(top)
            where = _place(top.evidence[0]) if top.evidence else ""
        shown = f"only the symptom ({_title(ctx, top.id).rstrip('.')}): `{line}`{where}"
    elif failed:
        shown = f"only the failure: `{failed[0].text.splitlines()[0].strip()[:300]}` ({failed[0].source}:{failed[0].line})"
    else:
        shown = "no failure line"
    names = ", ".join(c.id for c in outcome.candidates[:4])
    diagnosis.root_cause, diagnosis.layer = None, (top.layer or ctx.knowledge.layer(top.id)) if top else "none"
    diagnosis.summary = (f"The build failed and the bundle shows {shown}; the cause is not in the bundle: "
                         f"it fits {names} (see the candidates and the commands that collect what tells them apart).")


# -- a finished build whose cache does not work ---------------------------------------------
def _cache_verdict(ctx: Context, diagnosis: Diagnosis, outcome: Outcome, finished: bool = True) -> None:
    lead = diagnosis.root_cause if diagnosis.root_cause in DIST_CAUSES else None
    cause_id = lead or next((i for i in CACHE_CAUSES if i in ctx.findings), outcome.cache.reason)
    cause = next((f for f in diagnosis.findings if f.id == cause_id), None) if cause_id else None
    if cause is None:
        cause = Finding(cause_id or "low-cache-hit-rate", "root-cause", "weak",
                        reason=f"the cache is {outcome.cache.state}")
        diagnosis.findings.insert(0, cause)
    outcome.cache.reason = cause.id
    explained = set(ctx.knowledge.causality(cause.id).explains) | EXPLAINED_BY_ANY_CACHE_CAUSE
    for finding in diagnosis.findings:
        if finding is cause:
            continue
        if finding.role == "root-cause" or (finding.id in explained and finding.role in ("benign", "contributing")):
            finding.role = "symptom" if finding.id in explained else "contributing"
        elif finding.role == "benign" and finding.id in ("sccache-known-defect", "proxy-in-path", "setting-ignored"):
            finding.role = "contributing"
    cause.role, cause.role_fixed = "root-cause", True
    if cause.id == "low-cache-hit-rate" and outcome.cache.repeated_misses:
        names = ", ".join(f"`{n}`" for n in outcome.cache.repeated_misses[:3])
        cause.confidence = scale.strongest([cause.confidence, "moderate"])
        cause.summary = (f"No compile was ever served from the {outcome.cache.location or 'cache'}: "
                         f"{outcome.cache.misses} misses and 0 hits, and the same crate ({names}) missed again "
                         "on every build, so its key changed between builds (a different checkout path, "
                         "flags or environment).")
        cause.add_evidence(_miss_lines(ctx, outcome.cache.repeated_misses[0]))
    if outcome.cache.state == "broken" and outcome.cache.write_errors and not outcome.cache.hits:
        # The stats confirm it: every write failed and nothing was ever served.
        cause.confidence = "strong"
    outcome.lead = cause
    diagnosis.root_cause = cause.id
    diagnosis.layer = cause.layer or ctx.knowledge.layer(cause.id)
    order = {"root-cause": 0, "contributing": 1, "symptom": 2, "benign": 3}
    diagnosis.findings.sort(key=lambda f: order.get(f.role, 9))
    _write_summary(ctx, diagnosis, cause, prefix=_cache_prefix(outcome.cache, cause.id, finished))


def _cache_prefix(cache: cache_health.CacheHealth, cause_id: str, finished: bool) -> str:
    opening = "The build finished but its cache" if finished else "No failure was found, but the cache"
    if cause_id in DIST_CAUSES:
        return ("The build finished" if finished else "No failure was found") + ", but sccache-dist did not do its job: "
    counts = []
    if cache.hits is not None:
        counts.append(f"{cache.hits} hits")
    if cache.misses is not None:
        counts.append(f"{cache.misses} misses")
    if cache.write_errors:
        counts.append(f"{cache.write_errors} failed writes")
    if cache.read_errors:
        counts.append(f"{cache.read_errors} failed reads")
    return (f"{opening} is {cache.state}" + (f" ({', '.join(counts)})" if counts else "")
            + ": ")


def _miss_lines(ctx: Context, name: str) -> list[Evidence]:
    return [Evidence.of(r) for r in ctx.records("sccache-log") if r.text.startswith(f"[{name}]: Cache miss")][:3]


def _stat_lines(ctx: Context, *labels: str) -> list[Evidence]:
    return [Evidence.of(r) for r in ctx.records("sccache-stats") if r.get("name") in labels][:4]


# -- the sentence ----------------------------------------------------------------------------
FAILURE_WORDS = re.compile(r"fail|error|denied|refused|reset|unreachable|timed out|could not|couldn't|"
                           r"cannot|panicked|\b40[13]\b|forbidden|no valid", re.I)


# a `\n` escape inside one physical line (Rust's debug form of a message), not an escaped backslash
DEBUG_BREAK = re.compile(r"(?<!\\)(?:\\r)?\\n")


def _first_line(line: str) -> str:
    """A line up to the first escaped line break it carries (`"… not supported\\n"`), cut marked."""
    head, *rest = DEBUG_BREAK.split(line, maxsplit=1)
    return head.rstrip() + ("…" if rest else "")


def _decisive(finding: Finding) -> str:
    """The line that shows the finding, whole (its first line; a long one is cut at 300): the
    first evidence line that states a failure, else the first."""
    ranked = sorted(finding.evidence, key=lambda e: not FAILURE_WORDS.search(e.text.split("\n", 1)[0]))
    for item in ranked:
        text = _first_line(item.text.strip().splitlines()[0]) if item.text.strip() else ""
        if text:
            return text if len(text) <= 300 else text[:299] + "…"
    return ""


def _matched_line(ctx: Context, finding: Finding) -> tuple[str, str]:
    """The physical line a signature of the finding matched inside its record (a cargo error
    block quotes the wrapper's lines under its own first line), the server log's first."""
    library = ctx.knowledge.library
    patterns = library.by_id(finding.id) if library is not None else []
    matches = sorted(ctx.matched(finding.id), key=lambda m: m.record.kind != "sccache-log")
    for match in matches:
        for offset, line in enumerate(match.record.text.splitlines()):
            if line.strip() and any(p.search(line) is not None for p in patterns) and FAILURE_WORDS.search(line):
                text = _first_line(line.strip())
                text = text if len(text) <= 300 else text[:299] + "…"
                return text, f" ({match.record.source}:{match.record.line + offset})"
    return "", ""


def _place(item: Evidence) -> str:
    return f" ({item.source}:{item.line})" if item.line else f" ({item.source})"


def concrete(ctx: Context, finding: Finding) -> str:
    """The thing the finding is about, named from the bundle's facts."""
    facts = ctx.facts
    layer = finding.layer or ctx.knowledge.layer(finding.id)
    if layer in ("cache-backend", "network") or finding.id.startswith(("remote-", "backend-", "aws-", "cache-")):
        backend = facts.get("backend")
        if not backend:
            return ""
        where = facts.get("bucket")
        endpoint = facts.get("endpoint")
        text = f"the {backend} cache" + (f" `{where}`" if where else "")
        if endpoint and str(endpoint) not in text:
            text += f" at {endpoint}"
        if facts.get("sccache_version"):
            text += f" (sccache {facts['sccache_version']})"
        return text
    if finding.id.startswith("server-port") or finding.id in ("ipc-broken", "daemon-not-listening"):
        port = facts.get("server_port")
        return f"port {port}" if port else ""
    if finding.id in ("server-version-mismatch", "sccache-known-defect"):
        return f"sccache {facts['sccache_version']}" if facts.get("sccache_version") else ""
    if finding.id == "local-disk-cache-problem":
        location = facts.get("cache_location") or ctx.env.get("SCCACHE_DIR")
        return f"the disk cache {location}" if location else ""
    return ""


def _write_summary(ctx: Context, diagnosis: Diagnosis, top: Finding, prefix: str = "") -> None:
    """One sentence of reason: keep a rule's own sentence, replace a bare count by the title,
    the concrete thing and the decisive line."""
    own = top.summary if top.summary and not COUNT_ONLY.match(top.summary) else ""
    if not own:
        thing = concrete(ctx, top)
        line, where = _matched_line(ctx, top)
        if not line:
            line = _decisive(top)
            shown = next((e for e in top.evidence if line and e.text.strip().startswith(line[:60])), None)
            where = _place(shown) if shown else ""
        own = _title(ctx, top.id) + (f" for {thing}" if thing else "") + (
            f": `{line}`{where}." if line else ".")
        top.summary = own
    diagnosis.summary = " ".join((prefix + own).split())


def _title(ctx: Context, finding_id: str) -> str:
    """The ID's own title; a signature variant's title can be narrower."""
    return ctx.knowledge.title(finding_id)


def _healthy_summary(ctx: Context, cache: cache_health.CacheHealth, finished: bool) -> str:
    where = f" ({cache.location})" if cache.location else ""
    if not finished:
        return _healthy_summary(ctx, cache, True).replace(
            "The build finished and", "No failure was found, and", 1).replace(
            "The build finished without", "No failure was found, and the build ran without", 1).replace(
            "; no failure was found.", ".", 1).replace(
            "The build finished; the bundle", "No failure was found; the bundle", 1)
    if cache.state == "cold":
        return (f"The build finished and the cache{where} is cold: {cache.misses} misses, 0 hits and no errors, "
                "as on a first run.")
    if cache.state == "working":
        counts = f": {cache.hits} hits, {cache.misses} misses" if cache.hits or cache.misses else ""
        return f"The build finished and the cache{where} works{counts}; no failure was found."
    if cache.state == "not-used":
        return "The build finished without sccache: no wrapper or launcher routed compiles through it."
    return "The build finished; the bundle says nothing about the cache's health."
