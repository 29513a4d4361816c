"""What the parser tests share: paths, heads of the other kinds for negative sniffing, readers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analyzer.ingest import keep_all, read_bundle
from analyzer.records import Artifact, Fact, Problem, Record

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "samples" / "seed-windows-oss-proxy" / "bundle"

# A typical head of each of several other kinds: a parser must not claim these.
OTHER_KINDS = {
    "sccache.log": "[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226\n"
                   "[2026-11-21T05:23:31Z DEBUG sccache::server] handle_client: get_stats\n",
    "cargo.txt": "error: process didn't exit successfully: `sccache rustc -vV` (exit status: 2)\n--- stderr\n"
                 "sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?\n",
    "rustc_info.json": '{"rustc_fingerprint":1,"outputs":{"2":{"success":true,"status":"","code":0,"stdout":"","stderr":""}},"successes":{}}\n',
    "stats.txt": "Compile requests                      7\nCompile requests executed             0\nCache hits                            0\n",
    "config.toml": '[build]\nrustc-wrapper = "sccache"\n\n[cache.oss]\nbucket = "b"\n',
    "version.txt": "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n",
}


def read(path) -> Artifact:
    """The single artifact of a one-file bundle, every record kept."""
    return read_bundle([str(path)], keep_all).artifacts[0]


def split(items: Iterable) -> tuple[list[Record], list[Fact], list[Problem]]:
    """A parser's output sorted into records, facts and problems."""
    items = list(items)
    return ([i for i in items if isinstance(i, Record)],
            [i for i in items if isinstance(i, Fact)],
            [i for i in items if isinstance(i, Problem)])


def assert_read_cleanly(path: Path, kind: str, rows: int) -> Artifact:
    """A fixture of `kind` is sniffed as that kind and gives `rows` records and no problem."""
    artifact = read(path)
    assert artifact.kind == kind
    assert artifact.record_count == rows
    assert artifact.problems == []
    return artifact


def assert_not_claimed(folder: Path, name: str, text: str, kind: str) -> None:
    """The head of another kind, written as `name`, is not read as `kind`."""
    path = folder / name
    path.write_text(text)
    assert read(path).kind != kind
