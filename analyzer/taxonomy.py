"""The diagnosis taxonomy as data: the vocabulary (roles, layers, severities, artifact kinds,
groups) and every finding ID with its layer, group and title.

`analyzer/data/taxonomy.toml` holds the vocabulary by hand and, below a marker line, the IDs
generated from the definition files `patterns/<id>.toml`; the tables of `docs/taxonomy.md`
are generated from the same files. `python -m analyzer.taxonomy_write` (`make taxonomy`) rewrites
both and a test fails while either is out of step. An entry looks like:

    [ids.server-startup-timeout]
    layer = "cache-wrapper"
    group = "startup"
    title = "The client gave up waiting for the sccache server to start"
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzer.patterns.model import Definition

DATA_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.toml"
DOCS_FILE = Path(__file__).resolve().parent.parent / "docs" / "taxonomy.md"
DATA_MARKER = "# ---- generated from patterns/*.toml by `make taxonomy`: do not edit below ----"
DOCS_BEGIN = "<!-- generated from patterns/*.toml by `make taxonomy`: do not edit until the end marker -->"
DOCS_END = "<!-- end of generated tables -->"


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
        for key, value in data.get("ids", {}).items()
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


def render_data(definitions: Iterable[Definition], current: str) -> str:
    """The data file: its hand-written vocabulary, then one `[ids.X]` table per definition."""
    head = current.split(DATA_MARKER, 1)[0].rstrip("\n")
    tables = [f"[ids.{d.id}]\nlayer = {_q(d.layer)}\ngroup = {_q(d.group)}\ntitle = {_q(d.title)}"
              for d in sorted(definitions, key=lambda d: d.id)]
    return head + "\n\n" + DATA_MARKER + "\n\n" + "\n\n".join(tables) + "\n"


def render_docs(definitions: Iterable[Definition], current: str, groups: dict[str, str]) -> str:
    """docs/taxonomy.md with its tables (one per group) rewritten between the markers."""
    before, _, rest = current.partition(DOCS_BEGIN)
    _, _, after = rest.partition(DOCS_END)
    by_group: dict[str, list[Definition]] = {}
    for definition in sorted(definitions, key=lambda d: d.id):
        by_group.setdefault(definition.group, []).append(definition)
    parts = []
    for group, title in groups.items():
        rows = by_group.get(group, [])
        if not rows:
            continue
        lines = [f"## {title}", "", "| id | usual layer | meaning | typical evidence |", "| --- | --- | --- | --- |"]
        lines += [f"| `{d.id}` | {d.layer} | {d.meaning} | {d.typical_evidence} |" for d in rows]
        parts.append("\n".join(lines))
    rule_only = [d.id for d in sorted(definitions, key=lambda d: d.id) if not d.indications]
    parts.append("## Line signatures and rules\n\n"
                 "Most IDs have line signatures (indications) in their definition file\n"
                 "`patterns/<id>.toml` (`sccache-forensics patterns list`). These need several sources or\n"
                 "arithmetic and are detected only by correlation rules: "
                 + ", ".join(f"`{i}`" for i in rule_only) + ".")
    return before + DOCS_BEGIN + "\n\n" + "\n\n".join(parts) + "\n\n" + DOCS_END + after


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
