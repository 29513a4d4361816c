"""fleet.html as a browser shows it: no console errors, the sections there, hostile text inert."""

from __future__ import annotations

import html
import json
import re

import pytest

from analyzer.batch import fleet_html, summary
from tests.batch.helpers import CORRUPT, batch
from tests.report.support import (
    HOSTILE_SECRETS,
    IMG_PAYLOAD,
    SCRIPT_PAYLOAD,
    chromium,
    hostile_bundle,
    open_in_chromium,
)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium() is None, reason="no chromium binary on PATH (apt-get install chromium)")]


def test_fleet_html_renders_without_console_errors(fleet_run, tmp_path):
    page = fleet_run.outdir / "fleet.html"
    dom, console = open_in_chromium(page, screenshot=tmp_path / "fleet.png")
    assert not console, f"console messages: {console}"
    for section in ("root-causes", "layers", "breakdowns", "cooccurrence", "machines", "errors", "unexplained"):
        assert f'id="{section}"' in dom, section
    assert 'href="bundles/host-0000.html"' in dom
    assert "frobnicate failed for &lt;PATH&gt; after &lt;DURATION&gt;" in dom
    assert "broken-random.tar.gz" in dom
    assert dom.count("<script") == 2, "the machine data block and the page's one script"
    assert (tmp_path / "fleet.png").stat().st_size > 10_000


def test_every_machine_links_to_a_report_that_exists(fleet_run):
    data = machine_data(fleet_run.outdir / "fleet.html")
    fields = data["columns"]
    analyzed = [dict(zip(fields, row, strict=True)) for row in data["rows"]]
    assert len(analyzed) == fleet_run.bundles
    for machine in analyzed:
        if machine["error"]:
            assert machine["link"] is None and machine["status"] == "not-analyzed"
            continue
        page = fleet_run.outdir / machine["link"]
        assert page.is_file() and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>"), machine
        assert machine["host"], machine


@pytest.mark.parametrize(("fragment", "check"), [
    ("machines?root_cause=storage-check-slow", lambda rows: rows and all(r[3] == "storage-check-slow" for r in rows)),
    ("machines?q=host-0001", lambda rows: rows and all("host-0001" in r[0] for r in rows)),
    ("machines?status=not-analyzed", lambda rows: len(rows) == len(CORRUPT) and all(r[10] != "—" for r in rows)),
    ("machines?sort=confidence&desc=1", lambda rows: [float(r[8]) for r in rows[:5]] == sorted(
        (float(r[8]) for r in rows[:5]), reverse=True) and float(rows[0][8]) >= 0.9),
    ("machines?page=2", lambda rows: len(rows) == 100 and rows[0][0] == "host-0096"),  # after 4 broken-*
])
def test_filters_search_sort_and_pages_work_in_the_browser(fleet_run, fragment, check):
    dom, console = open_in_chromium(fleet_run.outdir / "fleet.html", fragment=fragment)
    assert not console, console
    rows = table_rows(dom)
    assert check(rows), (fragment, rows[:3])
    status = re.search(r'id="machine-status"[^>]*>([^<]*)<', dom).group(1)
    assert status.startswith("Machines ") and f"of {fleet_run.bundles}" in status or "filtered from" in status


def test_ten_thousand_machines_stay_usable(tmp_path):
    rows = [{"bundle": f"machine-{i:05d}.zip", "host": f"build-{i:05d}", "os": ("windows", "linux")[i % 2],
             "sccache_version": f"0.{8 + i % 9}.0", "backend": ("s3", "gha", "disk", "oss")[i % 4],
             "layer": ("cache-backend", "network", None)[i % 3],
             "root_cause": ("remote-access-denied", "storage-check-slow", None)[i % 3],
             "status": ("build-failed", "build-failed", "healthy")[i % 3],
             "confidence": (0.9, 0.8, None)[i % 3], "findings": ["remote-access-denied"] if i % 3 == 0 else [],
             "error": None, "unexplained": 0, "first_time": "2026-11-01T00:00:00Z", "last_time": "2026-11-02T00:00:00Z",
             "report": f"bundles/machine-{i:05d}.zip.json"} for i in range(10_000)]
    page = tmp_path / "fleet.html"
    page.write_text(fleet_html.render(summary.summarise(rows), [], rows), encoding="utf-8")
    size = page.stat().st_size
    assert size < 4 * 2**20, f"{size} bytes"
    dom, console = open_in_chromium(page, fragment="machines?root_cause=storage-check-slow&page=3")
    assert not console, console
    shown = table_rows(dom)
    assert len(shown) == 100 and all(r[3] == "storage-check-slow" for r in shown)
    assert "201–300 of 3333 (filtered from 10000)" in dom


def machine_data(page) -> dict:
    text = page.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="machines-data">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


def table_rows(dom: str) -> list[list[str]]:
    body = dom[dom.index('id="machine-table"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body)]


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
    assert "<img" not in dom and dom.count("<script") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert SCRIPT_PAYLOAD not in page.read_text(encoding="utf-8").split('id="machines-data">')[1]
    for path in result.outdir.rglob("*"):  # the page, fleet.prom, the tables, each bundle's reports
        if path.is_file() and path.suffix != ".parquet":
            text = path.read_text(encoding="utf-8")
            assert not [s for s in HOSTILE_SECRETS if s in text], path
