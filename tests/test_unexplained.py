"""Error and warning lines no signature explains are collected (and redacted) for batch."""

from analyzer.analysis import analyze
from tests.shared import knowledge

LOG = """\
[2026-11-21T05:23:31Z INFO  sccache::server] start_server: 127.0.0.1:4226
[2026-11-21T05:23:32Z ERROR sccache::server] frobnicator exploded while reading token=abcdef0123456789abcdef
[2026-11-21T05:23:33Z WARN  sccache::server] something odd happened in the widget
[2026-11-21T05:23:34Z DEBUG sccache::server] a debug line nobody cares about
sccache: error: Timed out waiting for server startup. Maybe the remote service is unreachable?
"""


def _analyze(tmp_path, redact=True):
    (tmp_path / "sccache.log").write_text(LOG)
    return analyze([str(tmp_path)], knowledge(), redact=redact)


def test_unmatched_error_and_warning_lines_are_collected(tmp_path):
    result = _analyze(tmp_path)
    texts = [u.text for u in result.unexplained]
    assert [u.line for u in result.unexplained] == [2, 3]
    assert texts[1] == "something odd happened in the widget"
    assert all("Timed out waiting" not in t for t in texts)  # a signature explains it
    assert all("debug line" not in t for t in texts)


def test_unexplained_lines_are_redacted_unless_asked(tmp_path):
    redacted = _analyze(tmp_path)
    assert "abcdef0123456789abcdef" not in redacted.unexplained[0].text
    kept = analyze([str(tmp_path)], knowledge(), redact=False)
    assert "abcdef0123456789abcdef" in kept.unexplained[0].text
