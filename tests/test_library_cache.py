"""The on-disk pattern library cache: same library, rebuilt when anything it depends on
changes, never read from a folder someone else can write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import regex

from analyzer import library_cache
from analyzer.analysis import load_knowledge
from analyzer.patterns import builtin_dir, load_library


def _counting_build(folder: Path, calls: list[int]):
    def build():
        calls.append(1)
        library = load_library([folder], builtin=False)
        return library.patterns, library.errors
    return build


def _copy_patterns(tmp_path: Path) -> Path:
    folder = tmp_path / "patterns"
    folder.mkdir()
    for path in sorted(builtin_dir().glob("*.toml"))[:5]:
        shutil.copy(path, folder / path.name)
    return folder


def test_a_second_load_reads_the_cache_and_a_changed_file_rebuilds(tmp_path, monkeypatch):
    monkeypatch.setenv(library_cache.ENV, str(tmp_path / "cache"))
    folder, calls = _copy_patterns(tmp_path), []
    first = library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: not built[1])
    second = library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: not built[1])
    assert len(calls) == 1
    assert [p.id for p in second[0]] == [p.id for p in first[0]]
    changed = sorted(folder.glob("*.toml"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: not built[1])
    assert len(calls) == 2
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1  # the stale version is gone


def test_cached_regexes_compile_on_first_use_and_match_like_the_originals(tmp_path, monkeypatch):
    monkeypatch.setenv(library_cache.ENV, str(tmp_path / "cache"))
    folder, calls = _copy_patterns(tmp_path), []
    original = library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)[0]
    cached = library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)[0]
    for old, new in zip(original, cached, strict=True):
        for old_block, new_block in zip(old.blocks, new.blocks, strict=True):
            assert isinstance(new_block.regex, library_cache.LazyRegex)
            assert (new_block.regex.pattern, new_block.regex.flags) == (old_block.regex.pattern, old_block.regex.flags)
            for example in old.examples_match:
                assert new_block.search(example) == old_block.search(example)


def test_a_cache_folder_others_can_write_is_never_read(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(library_cache.ENV, str(cache))
    folder, calls = _copy_patterns(tmp_path), []
    library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)
    os.chmod(cache, 0o777)
    library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)
    assert len(calls) == 2


def test_a_corrupt_cache_file_means_loading_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv(library_cache.ENV, str(tmp_path / "cache"))
    folder, calls = _copy_patterns(tmp_path), []
    library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)
    for path in (tmp_path / "cache").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    again = library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)
    assert len(calls) == 2 and again[0]


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv(library_cache.ENV, "off")
    folder, calls = _copy_patterns(tmp_path), []
    for _ in range(2):
        library_cache.load([folder], _counting_build(folder, calls), ok=lambda built: True)
    assert len(calls) == 2


def test_knowledge_from_the_cache_matches_the_fresh_library(tmp_path, monkeypatch):
    monkeypatch.setenv(library_cache.ENV, str(tmp_path / "cache"))
    load_knowledge()
    cached = load_knowledge().library
    fresh = load_library()
    assert [(p.id, [b.regex.pattern for b in p.blocks]) for p in cached.patterns] == \
           [(p.id, [b.regex.pattern for b in p.blocks]) for p in fresh.patterns]
    assert cached.literals() == fresh.literals()
    assert isinstance(cached.patterns[0].blocks[0].regex, library_cache.LazyRegex)
    assert not isinstance(fresh.patterns[0].blocks[0].regex, library_cache.LazyRegex)
    assert isinstance(fresh.patterns[0].blocks[0].regex, type(regex.compile("")))


def test_a_cache_file_of_another_shape_is_not_trusted(tmp_path, monkeypatch):
    """A pickle an older build of the tool stored under the same key (other objects inside)
    is rebuilt, never handed to the library."""
    monkeypatch.setenv(library_cache.ENV, str(tmp_path / "cache"))
    load_knowledge()
    stale = load_library()
    for path in (tmp_path / "cache").glob("*.pickle"):
        library_cache._write(path, (stale.patterns, ()))  # indications where definitions belong
    knowledge = load_knowledge()
    assert set(knowledge.library.ids()) == set(stale.ids())
    assert len(knowledge.library.patterns) == len(stale.patterns)
