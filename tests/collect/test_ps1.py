"""collect.ps1, without PowerShell: its output pinned by a fixture bundle, its text checked.

PowerShell is not installable from the registries this project reaches (the npm `pwsh`
package downloads from GitHub at install time), so the script's bundle is pinned by
`fixtures/ps1-bundle` (written by `fixtures/make_ps1_bundle.py` in the formats the script
writes), and the script's syntax is checked with the tree-sitter PowerShell grammar from PyPI.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from analyzer.collect import layout
from analyzer.ingest import read_bundle
from tests.collect.machine import SCRIPTS, private_venv
from tests.collect.scripts import PS1, ps1_double_quoted, ps1_layout

FIXTURE = Path(__file__).parent / "fixtures" / "ps1-bundle"
MANIFEST = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
EXPECTED_KINDS = {
    "manifest.json": "manifest",
    "env.txt": "env",
    "sockets.txt": "sockets",
    "processes.txt": "processes",
    "rustc-vV.txt": "version-info",
    "cargo-V.txt": "version-info",
    "sccache-version.txt": "version-info",
    "sccache-stats.json": "sccache-stats",
    "sccache-stats.txt": "sccache-stats",
    "run-output.txt": "cargo-output",
    "run-sccache-error.log": "sccache-log",
    "files/C/Users/dev/AppData/Roaming/Mozilla/sccache/config/config": "sccache-config",
    "files/C/proj/app/.cargo/config.toml": "cargo-config",
    "files/C/proj/app/target/.rustc_info.json": "rustc-info",
    "files/C/Users/dev/sccache.log": "sccache-log",
    "sccache-dist-status.txt": "dist-status",
}
TREE_SITTER = ["tree-sitter==0.26.1", "tree-sitter-powershell==0.26.4"]


def fixture_files() -> dict[str, bytes]:
    return {p.relative_to(FIXTURE).as_posix(): p.read_bytes() for p in FIXTURE.rglob("*") if p.is_file()}


def test_every_file_of_the_fixture_is_recognised():
    bundle = read_bundle([str(FIXTURE)])
    kinds = {a.path: a.kind for a in bundle.artifacts}
    assert kinds == EXPECTED_KINDS
    assert all(not a.problems for a in bundle.artifacts), [(a.path, a.problems) for a in bundle.artifacts]


def test_the_fixture_uses_the_script_layout():
    names = set(fixture_files())
    assert set(layout.FILES.values()) <= names
    assert set(ps1_layout().values()) == set(layout.FILES.values())
    copies = {n for n in names if n.startswith(f"{layout.COPIES}/")}
    for entry in MANIFEST["files"]:
        if entry.get("origin"):
            assert entry["path"] == layout.copy_path(entry["origin"]), entry
    assert copies == {e["path"] for e in MANIFEST["files"] if e.get("origin")}


def test_text_is_utf16le_with_bom_and_crlf_and_the_manifest_utf8():
    for name, data in fixture_files().items():
        if name == "manifest.json":
            assert not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe"))
            data.decode("utf-8")
            continue
        assert data.startswith(b"\xff\xfe"), name
        text = data[2:].decode("utf-16-le")
        assert "\n" not in text.replace("\r\n", ""), name


def test_the_fixture_manifest_lists_each_file_with_its_size():
    files = fixture_files()
    listed = {e["path"]: e for e in MANIFEST["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, entry in listed.items():
        assert entry["bytes"] == len(files[path])
        assert isinstance(entry["duration_ms"], int) and entry["error"] is None
    processes = listed["processes.txt"]
    assert processes["command"] == ps1_double_quoted("CimProcesses")
    assert (MANIFEST["collector"], MANIFEST["os"], MANIFEST["utc_offset_minutes"]) == ("ps1", "windows", 480)


def test_every_name_the_script_writes_comes_from_the_layout():
    """Files are only written through `$Layout.<Key>` or the copy path; no stray literal names."""
    used = set(re.findall(r"\$Layout\.(\w+)", PS1))
    assert used == set(re.findall(r"^\s*(\w+)\s*=\s*'", re.search(
        r"^\$Layout = \[ordered\]@\{(.*?)^\}", PS1, re.M | re.S).group(1), re.M))
    code = "\n".join(line for line in PS1.splitlines() if not line.lstrip().startswith("#"))
    written = re.findall(r"Write-BundleText (\S+)", code)
    assert written and all(w.startswith(("$Layout.", "$name", "$Name")) for w in written), written


def test_the_script_is_ascii_so_windows_powershell_reads_it_right():
    """Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page."""
    (SCRIPTS / "collect.ps1").read_bytes().decode("ascii")


def test_the_script_avoids_what_windows_powershell_51_lacks():
    code = "\n".join(line for line in PS1.splitlines() if not line.lstrip().startswith("#"))
    for newer in ("??", " ? ", "&&", "||", "-Parallel", "ForEach-Object -Parallel", "::new("):
        assert newer not in code, newer


@pytest.mark.slow
def test_the_script_parses_with_the_powershell_grammar(tmp_path):
    venv = private_venv("tree-sitter-powershell", TREE_SITTER)
    check = tmp_path / "check.py"
    check.write_text(
        "import sys, tree_sitter, tree_sitter_powershell as grammar\n"
        "parser = tree_sitter.Parser(tree_sitter.Language(grammar.language()))\n"
        "tree = parser.parse(open(sys.argv[1], 'rb').read())\n"
        "bad = []\n"
        "def walk(node):\n"
        "    if node.type == 'ERROR' or node.is_missing:\n"
        "        bad.append(f'{node.start_point[0] + 1}:{node.start_point[1] + 1} {node.type}')\n"
        "    for child in node.children:\n"
        "        walk(child)\n"
        "walk(tree.root_node)\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n")
    python = venv / "bin" / "python"
    broken = tmp_path / "broken.ps1"
    broken.write_text(PS1.replace("} catch {", "} catch ", 1))
    assert subprocess.run([str(python), str(check), str(broken)], capture_output=True).returncode == 1
    done = subprocess.run([str(python), str(check), str(SCRIPTS / "collect.ps1")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
