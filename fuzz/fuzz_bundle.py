"""Fuzz target: arbitrary bytes as a bundle, through the whole pipeline and every renderer.

The first byte picks how the rest is handed over: as one loose file, as a member of a zip, as a
member of a tar.gz, split into several files of a folder, or as the bundle file itself (so a
mutated zip, tar, gzip, bzip2 or xz is opened as an archive); the second byte picks the file
name (names are only hints, but they steer sniffing). Each input is then read, matched,
diagnosed, redacted and rendered as text, JSON, Markdown and HTML, and the outputs are checked:
nothing raises, the terminal summary holds no raw control character, the JSON parses, the HTML
holds only its own script, and the Markdown no raw <script> outside code.

Run with atheris (coverage-guided; `pip install -e '.[fuzz]'`), N minutes:

    python fuzz/fuzz_bundle.py fuzz-corpus -max_total_time=$((N*60)) -timeout=60 -rss_limit_mb=3072

`fuzz-corpus` is created and seeded from samples/ and tests/fixtures/ when empty; findings are
written as crash-*/timeout-* files in the current folder (replay one: `python fuzz/fuzz_bundle.py
crash-...`). Without atheris, the same target under hypothesis for N minutes:

    python fuzz/fuzz_bundle.py --hypothesis --minutes N

Replay inputs without fuzzing (the seeds, fuzz/regressions/, or files and folders you name):

    python fuzz/fuzz_bundle.py --replay [--seeds] [PATH...]

Inputs that once failed live in fuzz/regressions/; tests/hostile/test_fuzz_target.py replays them
and the seeds.
The target runs with smaller byte limits than the command line (`FUZZ_LIMITS`) so that one
input costs milliseconds; the limits' own behaviour is covered by tests/hostile/.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import tarfile
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
NAMES = ("sccache-server.log", "cargo-build.txt", "rustc_info.json", "env.txt", "netstat.txt", "tasklist.txt",
         "show-stats.txt", "config.toml", "transcript.txt", "rustc-vV.txt", "manifest.json", "ninja.log",
         "stats.json", "ps.txt", "notes", "server.log.gz")
MODES = ("file", "zip", "tgz", "folder", "raw")
FUZZ_LIMITS = {"max_member_bytes": 8 * 1024**2, "max_total_bytes": 32 * 1024**2, "max_members": 200,
               "ratio_free_bytes": 4 * 1024**2, "max_nested_archive_bytes": 8 * 1024**2, "max_seconds": 30.0}

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _instrumented_imports():
    try:
        import atheris
    except ImportError:
        return None
    return atheris


_atheris = _instrumented_imports() if not {"--hypothesis", "--replay"} & set(sys.argv) else None
if _atheris is not None:
    with _atheris.instrument_imports(include=["analyzer"]):
        # everything the pipeline imports lazily, imported here so coverage reaches it
        import analyzer.analysis
        import analyzer.bundle
        import analyzer.redact
        import analyzer.report.render_html
        import analyzer.report.render_md
        import analyzer.report.render_text  # noqa: F401
        from analyzer import diagnose, parsers

        parsers.load_all()
        diagnose.load_rules()


from analyzer import budget  # noqa: E402
from analyzer.analysis import analyze, load_knowledge  # noqa: E402
from analyzer.redact import redact_report  # noqa: E402
from analyzer.report import render_html, render_json, render_md, render_text  # noqa: E402
from analyzer.report.model import SCHEMA_VERSION  # noqa: E402
from tests.hostile.corpus import TERMINAL_UNSAFE, outside_code, tar_bytes, zip_bytes  # noqa: E402

for _name, _value in FUZZ_LIMITS.items():  # the target's own, smaller budget (see the docstring)
    object.__setattr__(budget.DEFAULT_LIMITS, _name, _value)

_KNOWLEDGE = load_knowledge()
_WORK = Path(tempfile.mkdtemp(prefix="sccache-forensics-fuzz-"))


def bundle_from(data: bytes) -> list[str]:
    """Lay `data` out in the work folder as the first byte says; return the analyze inputs."""
    for entry in _WORK.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    mode = MODES[data[0] % len(MODES)] if data else "file"
    name = NAMES[data[1] % len(NAMES)] if len(data) > 1 else NAMES[0]
    body = data[2:]
    if mode == "file":
        (_WORK / name).write_bytes(body)
        return [str(_WORK / name)]
    if mode == "zip":
        (_WORK / "bundle.zip").write_bytes(zip_bytes({f"logs/{name}": body}))
        return [str(_WORK / "bundle.zip")]
    if mode == "tgz":
        (_WORK / "bundle.tgz").write_bytes(tar_bytes({f"logs/{name}": body}, "w:gz"))
        return [str(_WORK / "bundle.tgz")]
    if mode == "folder":
        folder = _WORK / "bundle"
        folder.mkdir()
        for index, part in enumerate(body.split(b"\x00\x00\x00")[:8]):
            (folder / f"{index}-{NAMES[(index + len(part)) % len(NAMES)]}").write_bytes(part)
        return [str(folder)]
    (_WORK / "bundle.bin").write_bytes(body)
    return [str(_WORK / "bundle.bin")]


# Defects already reported but not yet fixed, as (file, function, exception): an input that hits
# one is counted and skipped, so a long run goes on finding new things. Empty while none is open
# (the last ones, in analyzer/diagnose/versions.py and facts.py, are fixed and kept as tests in
# tests/hostile/test_known_defects.py).
KNOWN_DEFECTS: tuple[tuple[str, str, type[Exception]], ...] = ()
KNOWN_SEEN: dict[str, int] = {}


def _known(error: Exception) -> str | None:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/analyzer/" in f.filename.replace("\\", "/")]
    if not frames:
        return None
    last = frames[-1]
    for file, function, kind in KNOWN_DEFECTS:
        if last.filename.replace("\\", "/").endswith(file) and last.name == function and isinstance(error, kind):
            return f"{file}:{function}"
    return None


def check(data: bytes) -> dict | None:
    """One input through the pipeline; raises AssertionError on a broken promise. Returns the
    report, or None when the input hit a known defect (counted in KNOWN_SEEN)."""
    try:
        report = analyze(bundle_from(data), _KNOWLEDGE).report
    except Exception as error:
        known = _known(error)
        if known is None:
            raise
        if known not in KNOWN_SEEN:
            print(f"known defect hit (skipped from now on): {known}: {type(error).__name__}: {error}", flush=True)
        KNOWN_SEEN[known] = KNOWN_SEEN.get(known, 0) + 1
        return None
    text = render_text.render(report)
    unsafe = TERMINAL_UNSAFE.search(text)
    assert unsafe is None, f"raw control character {unsafe.group(0)!r} in the text report"
    assert json.loads(render_json.render(report))["schema_version"] == SCHEMA_VERSION
    html = render_html.render(report)
    assert html.count("<script") == 1, "a script element besides the report's own"
    md = render_md.render(report)
    assert "<script" not in outside_code(md), "raw <script> in Markdown outside code"
    again = redact_report(report)
    assert again["redactions"]["count"] == 0, f"a redacted report still holds secrets: {again['redactions']}"
    return report


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer expect
    check(data)


# -- seeds -------------------------------------------------------------------------------------

def seeds() -> list[bytes]:
    """Every sample and fixture file as a loose file (named by its closest NAMES entry), and every
    sample bundle as a raw zip and a raw tar.gz."""
    found = []
    files = sorted(p for pattern in ("samples/*/bundle/*", "tests/fixtures/*/*") for p in ROOT.glob(pattern)
                   if p.is_file() and p.stat().st_size < 256 * 1024)
    for path in files:
        index = next((i for i, n in enumerate(NAMES) if n.split(".")[0] in path.name), len(NAMES) - 3)
        found.append(bytes([MODES.index("file"), index]) + path.read_bytes())
    for bundle in sorted(p for p in ROOT.glob("samples/*/bundle") if p.is_dir()):
        members = sorted(p for p in bundle.iterdir() if p.is_file())
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in members:
                archive.write(path, path.name)
        found.append(bytes([MODES.index("raw"), 0]) + buf.getvalue())
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as archive:
            for path in members:
                archive.add(path, path.name)
        found.append(bytes([MODES.index("raw"), 0]) + buf.getvalue())
    found += planted_seeds()
    return found


def planted_seeds() -> list[bytes]:
    """Secrets in every planted form, in each encoding, as a loose file and a zip member; and a
    megabyte line that once made a signature backtrack for minutes."""
    from tests.hostile.planted import ENCODINGS, KINDS, artifact, encode, plantings

    found = []
    for encoding in ENCODINGS:
        for kind in KINDS:
            body = encode(artifact(kind, plantings(0)), encoding)
            found.append(bytes([MODES.index("file"), 0]) + body)
            found.append(bytes([MODES.index("zip"), 0]) + body)
    line = b"[2026-11-21T05:23:31Z ERROR sccache::server] " + b"error sending request for url (https://a/): " * 24_000
    found.append(bytes([MODES.index("file"), 0]) + line + b"\n")
    return found


def write_seeds(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return 0
    items = seeds() + [p.read_bytes() for p in sorted(REGRESSIONS.glob("*")) if p.is_file()]
    for index, data in enumerate(items):
        (folder / f"seed-{index:04}").write_bytes(data)
    return len(items)


# -- runners -----------------------------------------------------------------------------------

def run_hypothesis(minutes: float) -> int:
    """The same target under hypothesis: random mutations of the seeds and raw bytes, for `minutes`."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pool = seeds()

    @st.composite
    def inputs(draw) -> bytes:
        if draw(st.booleans()):
            return draw(st.binary(max_size=4096))
        data = bytearray(draw(st.sampled_from(pool)))
        for _ in range(draw(st.integers(0, 8))):
            at = draw(st.integers(0, len(data)))
            how = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
            if how == "flip" and at < len(data):
                data[at] ^= 1 << draw(st.integers(0, 7))
            elif how == "cut":
                del data[at:]
            elif how == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=16))
            elif how == "delete":
                del data[at:at + draw(st.integers(1, 64))]
        return bytes(data)

    executions = 0
    deadline = time.monotonic() + minutes * 60

    @settings(max_examples=500, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(data=inputs())
    def target(data: bytes) -> None:
        nonlocal executions
        executions += 1
        check(data)

    while time.monotonic() < deadline:
        target()
    print(f"hypothesis fuzzing: {executions} executions in {minutes:g} min, no failure")
    return executions


def replay(paths: list[str], with_seeds: bool) -> int:
    """Run the target once on each input; print and count the failures."""
    items = [(f"seed {i}", data) for i, data in enumerate(seeds())] if with_seeds else []
    for given in [str(REGRESSIONS), *paths]:
        path = Path(given)
        if path == REGRESSIONS and not path.is_dir():
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        items += [(str(f), f.read_bytes()) for f in files]
    failed = 0
    for label, data in items:
        try:
            check(data)
        except Exception as error:  # report every failing input, not only the first
            failed += 1
            print(f"FAIL {label}: {type(error).__name__}: {error}")
    print(f"replayed {len(items)} inputs, {failed} failed; known defects hit: {KNOWN_SEEN or 'none'}")
    return failed


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--hypothesis", action="store_true")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--replay", action="store_true")
    parser.add_argument("--seeds", action="store_true")
    known, rest = parser.parse_known_args(argv[1:])
    if known.replay:
        sys.exit(1 if replay(rest, known.seeds) else 0)
    if known.hypothesis or _atheris is None:
        if not known.hypothesis:
            print("atheris is not installed (pip install -e '.[fuzz]'); fuzzing with hypothesis instead")
        run_hypothesis(known.minutes)
        return
    corpus = [a for a in rest if not a.startswith("-")]
    if corpus and (not Path(corpus[0]).exists() or Path(corpus[0]).is_dir()):
        added = write_seeds(Path(corpus[0]))
        if added:
            print(f"seeded {corpus[0]} with {added} inputs")
    _atheris.Setup([argv[0], *rest], TestOneInput)
    _atheris.Fuzz()


if __name__ == "__main__":
    try:
        main(sys.argv)
    finally:
        shutil.rmtree(_WORK, ignore_errors=True)
