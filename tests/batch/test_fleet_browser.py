"""fleet.html as a browser shows it: no console errors, the sections there, hostile text inert."""

from __future__ import annotations

import pytest

from tests.batch.helpers import batch
from tests.report.support import IMG_PAYLOAD, SCRIPT_PAYLOAD, chromium, hostile_bundle, open_in_chromium

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium() is None, reason="no chromium binary on PATH (apt-get install chromium)")]


def test_fleet_html_renders_without_console_errors(fleet_run, tmp_path):
    page = fleet_run.outdir / "fleet.html"
    dom, console = open_in_chromium(page, screenshot=tmp_path / "fleet.png")
    assert not console, f"console messages: {console}"
    for section in ("root-causes", "layers", "breakdowns", "cooccurrence", "machines", "errors", "unexplained"):
        assert f'id="{section}"' in dom, section
    assert 'href="bundles/host-0000.json"' in dom
    assert "frobnicate failed for &lt;PATH&gt; after &lt;DURATION&gt;" in dom
    assert "broken-random.tar.gz" in dom
    assert "<script" not in dom
    assert (tmp_path / "fleet.png").stat().st_size > 10_000


def test_hostile_lines_stay_text_in_the_fleet_page(tmp_path):
    fleet = tmp_path / "in"
    hostile_bundle(fleet / "evil-1")
    bad = fleet / "evil-2"
    bad.mkdir()
    (bad / "sccache.log").write_text(
        f"[2026-11-21T05:23:32Z ERROR sccache::server] weird failure {SCRIPT_PAYLOAD} {IMG_PAYLOAD}\n", encoding="utf-8")
    result = batch([fleet], tmp_path / "out", jobs=1)
    page = result.outdir / "fleet.html"
    dom, console = open_in_chromium(page)
    assert not console, f"console messages: {console}"
    assert "<img" not in dom and "<script" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "Hunter2Pass9" not in page.read_text(encoding="utf-8")
