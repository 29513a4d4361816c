"""sccache's own `error:` lines in a build log are the wrapper speaking, not diagnostics in the code."""

from __future__ import annotations

import pytest

from analyzer.analysis import analyze
from analyzer.parsers.build_output import C_DIAGNOSTIC_ERROR, COMPILER_DIAGNOSTIC
from tests.shared import SAMPLES, knowledge


def verdict(path) -> dict:
    return analyze([str(path)], knowledge()).report


def test_make_failing_on_an_sccache_error_is_not_a_code_error():
    # Pasted in matz/spinel#1427: the client timed out and make gave up on the object.
    report = verdict(SAMPLES / "field" / "spinel-gha-startup-timeout-make" / "bundle")
    # The client's timeout is a symptom: the bundle does not show what made the start slow.
    assert report["verdict"]["status"] == "build-failed"
    assert report["verdict"]["symptom"] == "server-startup-timeout"
    assert "source-compile-error" not in {f["id"] for f in report["findings"]}


@pytest.mark.parametrize(("line", "diagnostic"), [
    ("sccache: error: Timed out waiting for server startup", False),
    ("#34 147.0 sccache: error: cache storage failed to read: PermissionDenied", False),
    ("sccache.exe : error : failed to execute compile [C:\\src\\app.vcxproj]", False),
    ("ninja: error: loading 'build.ninja': No such file or directory", False),
    ("/src/main.c:3:5: error: use of undeclared identifier 'x'", True),
    ("main.c(2): error C2065: 'x': undeclared identifier", True),
])
def test_only_a_compilers_own_diagnostic_is_a_code_error(line, diagnostic):
    found = bool(COMPILER_DIAGNOSTIC.search(line) or C_DIAGNOSTIC_ERROR.match(line))
    assert found is diagnostic


def test_msbuild_form_of_the_wrapper_error_is_recognised_too(tmp_path):
    log = tmp_path / "msbuild.txt"
    log.write_text("sccache.exe : error : failed to execute compile [C:\\src\\app.vcxproj]\n"
                   "  sccache: caused by: cannot find binary path\n", encoding="utf-8")
    report = verdict(log)
    assert report["verdict"]["root_cause"] != "source-compile-error"
