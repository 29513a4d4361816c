"""`patterns literals`: the prefilter's literals, one per line, fit for `grep -F -f`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import main
from analyzer.patterns import load_library
from analyzer.patterns.export import scan_literals

LIBRARY = load_library()


def literals_output(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["patterns", "literals", *args])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("\n")
    return result.output[:-1].split("\n")


ALL_EXAMPLES = [e for p in LIBRARY.patterns for e in p.examples_match]


def positive_examples() -> dict[str, list[str]]:
    """For each literal, the `match` examples of the signatures whose blocks use it."""
    found: dict[str, list[str]] = {}
    for pattern in LIBRARY.patterns:
        for block in pattern.blocks:
            if block.prefilter:
                found.setdefault(block.prefilter, []).extend(pattern.examples_match)
    return found


def examples_for(literal: str, examples: dict[str, list[str]]) -> list[str]:
    """The examples of the literal's own signatures; any signature's for a literal no block names."""
    return examples.get(literal) or ALL_EXAMPLES


def test_output_is_the_exported_list_one_per_line_without_duplicates():
    lines = literals_output()
    assert lines, "no literal printed"
    assert lines == scan_literals(LIBRARY)
    assert len(lines) == len(set(lines))
    assert all(line and "\r" not in line for line in lines)
    assert "Timed out waiting for server startup" in lines


def test_scan_literals_is_sorted_unique_and_covers_every_prefilter():
    literals = scan_literals(LIBRARY)
    assert literals == sorted(set(literals))
    prefilters = {b.prefilter for p in LIBRARY.patterns for b in p.blocks if b.prefilter}
    assert prefilters <= set(literals)


def test_output_file_option(tmp_path: Path):
    target = tmp_path / "literals.txt"
    result = CliRunner().invoke(main, ["patterns", "literals", "-o", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").splitlines() == scan_literals(LIBRARY)


def test_every_literal_occurs_in_a_positive_example_of_its_signature():
    examples = positive_examples()
    for literal in literals_output():
        assert any(literal in example for example in examples_for(literal, examples)), literal


@pytest.mark.skipif(shutil.which("grep") is None, reason="grep is not installed")
def test_grep_finds_every_literal_in_a_positive_example(tmp_path: Path):
    """What `grep -F` sees in the printed list is what the prefilter looks for."""
    literals_file = tmp_path / "literals.txt"
    literals_file.write_bytes(("\n".join(literals_output()) + "\n").encode("utf-8"))
    examples = positive_examples()
    env = {**os.environ, "LC_ALL": "C"}
    for literal in literals_output():
        example = next(e for e in examples_for(literal, examples) if literal in e)
        sample = tmp_path / "example.txt"
        sample.write_bytes(example.encode("utf-8") + b"\n")
        alone = subprocess.run(["grep", "-c", "-F", "-e", literal, str(sample)], capture_output=True, env=env)
        assert alone.stdout.strip() != b"0", literal
        listed = subprocess.run(["grep", "-c", "-F", "-f", str(literals_file), str(sample)],
                                capture_output=True, env=env)
        assert listed.stdout.strip() != b"0", literal


def test_kind_keeps_only_the_literals_of_signatures_for_that_kind():
    lines = literals_output("--kind", "sccache-log")
    assert lines == scan_literals(LIBRARY, "sccache-log")
    assert set(lines) < set(literals_output())
    assert "storage check failed for: " in lines
    assert "sccache" not in lines  # a cargo-output signature's literal (`pkill sccache`), not a log one
