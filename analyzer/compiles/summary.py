"""The misses of a compile table in one sentence:
"14 not served from the cache: 9 not in the cache (new key), 3 preprocessor cache misses
because a header was too new, 2 not cacheable (incremental)"."""

from __future__ import annotations

REASON_TEXT = {
    "new-key": ("not in the cache (new key)", "not in the cache (new key)"),
    "header-too-new": ("not in the cache (a header too new for the preprocessor cache)",
                       "not in the cache (a header too new for the preprocessor cache)"),
    "read-error": ("cache read error", "cache read errors"),
    "timeout": ("cache lookup timed out", "cache lookups timed out"),
    "recache": ("forced recache", "forced recaches"),
    "not-cached": ("not cached (caching off for the request)", "not cached (caching off for the requests)"),
    "failed": ("compile failed", "compiles failed"),
    "error": ("cache error", "cache errors"),
    "unknown": ("no result in the log", "no result in the log"),
}


def reason_text(reason: str, count: int = 1) -> str:
    """Words for a reason category (`not-cacheable:incremental` -> `not cacheable (incremental)`)."""
    if reason.startswith("not-cacheable:"):
        why = reason.split(":", 1)[1]
        return "not cacheable (compiled, sccache said not cacheable)" if why == "compiled" else f"not cacheable ({why})"
    one, many = REASON_TEXT.get(reason, (reason, reason))
    return one if count == 1 else many


def summary(log) -> str:
    """One line for text and Markdown; empty counts say so."""
    hits, missed = log.count("hit"), log.misses
    total = hits + missed
    if not total:
        return f"{log.requests} compile request(s), all toolchain probes" if log.requests else "no compile requests"
    head = f"{total} compile request(s): {hits} hit(s)"
    if log.hit_rate is not None:
        head += f" (hit rate {log.hit_rate * 100:.1f} % of cacheable)"
    if not missed:
        text = head + ", nothing missed"
        if log.too_new_hits:
            text += (f"; {log.too_new_hits} hit(s) had to preprocess first: a header was too new for the "
                     "preprocessor cache")
        return text
    parts = [f"{n} {reason_text(r, n)}" for r, n in sorted(log.reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    text = f"{head}; {missed} not served from the cache: " + ", ".join(parts)
    if log.probes:
        text += f" (and {log.probes} toolchain probe(s), never cacheable)"
    if log.too_new_hits:
        text += (f"; {log.too_new_hits} hit(s) had to preprocess first: a header was too new for the "
                 "preprocessor cache")
    if log.truncated:
        text += "; counts cover the requests the fast scan read"
    return text
