"""The same input gives byte-identical JSON, Markdown and HTML: whatever folder it sits in,
whichever folder the command runs from, whatever the hash seed, time zone, locale and time
of run. Nothing of the run (clock, absolute path, dict order, set order) leaks in."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests.hostile.corpus import injection, timestamps_out_of_order, zip_bytes
from tests.hostile.harness import run_cli
from tests.shared import SAMPLES

SEED = SAMPLES / "seed-windows-oss-proxy" / "bundle"
# Different hash seeds, zones and locales; the second run also starts a second later.
SETTINGS = [
    {"PYTHONHASHSEED": "0", "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    {"PYTHONHASHSEED": "4242", "TZ": "Asia/Shanghai", "LANG": "zh_CN.UTF-8", "LC_ALL": ""},
    {"PYTHONHASHSEED": "random", "TZ": "America/Los_Angeles", "LANG": "de_DE.UTF-8", "LC_ALL": ""},
]


def build_bundle(root: Path) -> Path:
    """The seed sample, the hostile-text and the timestamp corpus cases, and a zip of them."""
    bundle = root / "bundle"
    shutil.copytree(SEED, bundle / "seed")
    scratch = root / "parts"
    injection(scratch / "a")
    timestamps_out_of_order(scratch / "b")
    shutil.copytree(scratch / "a" / "bundle", bundle / "injection")
    members = {f"t/{p.name}": p.read_bytes() for p in sorted((scratch / "b" / "bundle").iterdir())}
    (bundle / "timestamps.zip").write_bytes(zip_bytes(members))
    shutil.rmtree(scratch)
    return bundle


FORMATS = ("json", "md", "html")


def test_same_input_gives_the_same_bytes(tmp_path):
    places = [tmp_path / "first" / "deep" / "er", tmp_path / "second"]
    bundles = [build_bundle(place) for place in places]
    outputs: dict[str, list[bytes]] = {fmt: [] for fmt in FORMATS}
    for index, settings in enumerate(SETTINGS):
        bundle = bundles[index % 2]
        # an absolute path from elsewhere, or a relative path from inside the parent folder
        args, cwd = ([str(bundle)], tmp_path) if index != 1 else (["bundle"], bundle.parent)
        if index:
            time.sleep(1.1)
        for fmt in FORMATS:
            run = run_cli(["analyze", *args, "--format", fmt], cwd=cwd, scratch=tmp_path / f"scratch-{index}",
                          env=settings)
            assert run.returncode == 0, run.describe()
            outputs[fmt].append(run.stdout)
    for fmt, found in outputs.items():
        assert found[0] == found[1] == found[2], f"--format {fmt} differs between runs"
        for place in places:
            assert str(place).encode() not in found[0], "the bundle's location leaked into the report"
        assert str(tmp_path).encode() not in found[0]
