"""The diagnosis taxonomy as data: IDs, their usual layers and titles, roles, layers, kinds.

Read from `analyzer/data/taxonomy.toml` so code can validate an ID without parsing
Markdown; `docs/taxonomy.md` is the prose for the same IDs. An entry looks like:

    [ids.server-startup-timeout]
    layer = "cache-wrapper"
    group = "startup"
    title = "The client gave up waiting for the sccache server to start"
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.toml"


@dataclass(frozen=True, slots=True)
class Entry:
    """One taxonomy ID: where the verdict points when it is the root cause, and its title."""

    id: str
    layer: str
    group: str
    title: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    entries: dict[str, Entry]
    roles: tuple[str, ...]
    layers: tuple[str, ...]
    severities: tuple[str, ...]
    kinds: tuple[str, ...]
    groups: dict[str, str]

    def __contains__(self, taxonomy_id: object) -> bool:
        return taxonomy_id in self.entries

    def get(self, taxonomy_id: str) -> Entry | None:
        return self.entries.get(taxonomy_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.entries)


@functools.cache
def load() -> Taxonomy:
    """The shipped taxonomy (read once per process)."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    entries = {
        key: Entry(key, value["layer"], value["group"], value["title"])
        for key, value in data["ids"].items()
    }
    return Taxonomy(
        entries=entries,
        roles=tuple(data["roles"]),
        layers=tuple(data["layers"]),
        severities=tuple(data["severities"]),
        kinds=tuple(data["kinds"]),
        groups=dict(data["groups"]),
    )


def is_known(taxonomy_id: str) -> bool:
    return taxonomy_id in load()
