"""A headless Chromium driven through WebDriver (selenium + the distribution's chromedriver).

Pages are measured as a reader's browser lays them out: the viewport is set through the DevTools
protocol, so 390 px means a phone's CSS width, not a window that also holds scroll bars.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

WIDTHS = {"phone": (390, 844, True), "desktop": (1280, 900, False)}

# Everything measured in one round trip; returns plain JSON.
MEASURE = r"""
const out = {scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), innerWidth: window.innerWidth,
             innerHeight: window.innerHeight, small: [], labels: [], verdictBottom: null, verdictTop: null};
const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const node = walker.currentNode; const el = node.parentElement;
  if (!el || seen.has(el) || !node.textContent.trim()) continue;
  seen.add(el);
  if (el.closest('title') || el.closest('details:not([open]) > :not(summary)')) continue;
  if (!visible(el)) continue;
  let size = parseFloat(getComputedStyle(el).fontSize);
  const svg = el.closest('svg');
  if (svg) { const box = svg.viewBox.baseVal; if (box && box.width) size *= svg.getBoundingClientRect().width / box.width; }
  if (size < 9) out.small.push({text: node.textContent.trim().slice(0, 60), size: size});
}
for (const t of document.querySelectorAll('svg text.marker-label, svg text.lane-label, svg text.tick-label, svg text.window-label, svg text.untimed-label')) {
  if (!visible(t)) continue;
  const r = t.getBoundingClientRect();
  out.labels.push({text: t.textContent, cls: t.getAttribute('class'), x1: r.left, y1: r.top, x2: r.right, y2: r.bottom});
}
const v = document.querySelector('#verdict .title') || document.querySelector('#verdict');
if (v) { const r = v.getBoundingClientRect(); out.verdictTop = r.top; out.verdictBottom = r.bottom; }
return out;
"""


def chromedriver() -> str | None:
    return shutil.which("chromedriver")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def available() -> bool:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return chromedriver() is not None and chromium() is not None


@contextmanager
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory() as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     f"--user-data-dir={profile}", "--window-size=1280,900"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver()), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def open_at(driver, page: Path, width_name: str) -> dict:
    """Load `page` at one of WIDTHS; return the measurements and the console messages."""
    width, height, mobile = WIDTHS[width_name]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.get(page.resolve().as_uri())
    result = driver.execute_script(MEASURE)
    result["console"] = [entry["message"] for entry in driver.get_log("browser")]
    return result


def screenshot(driver, page: Path, width_name: str, target: Path) -> None:
    open_at(driver, page, width_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(target))


def overlaps(labels: list[dict]) -> list[tuple[str, str]]:
    """Pairs of label boxes that intersect (1 px of slack for anti-aliasing)."""
    pairs = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if a["x1"] < b["x2"] - 1 and b["x1"] < a["x2"] - 1 and a["y1"] < b["y2"] - 1 and b["y1"] < a["y2"] - 1:
                pairs.append((a["text"], b["text"]))
    return pairs
