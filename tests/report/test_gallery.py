"""The committed gallery under reports/ is what the generator writes today."""

from __future__ import annotations

from analyzer.report import gallery


def test_gallery_is_fresh():
    stale = gallery.stale()
    assert not stale, f"reports/ is stale ({', '.join(stale)}): run `{gallery.COMMAND}` (or `make reports`)"


def test_index_lists_every_sample(tmp_path):
    names = [name for name, _ in gallery.sample_bundles()]
    index = (gallery.ROOT / "reports" / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert f"[HTML]({name}.html)" in index
