"""`sccache --dist-status`: one JSON line that says whether the client reaches an sccache-dist
scheduler. The three shapes every release since 0.3 prints:

    {"Disabled":"disabled"}
    {"NotConnected":["http://127.0.0.1:10600/","enabled, not connected, will retry in 27.3s"]}
    {"SchedulerStatus":["http://127.0.0.1:10600/",{"num_servers":1,"num_cpus":2,"in_progress":0}]}

One record per status with the fields `state` (disabled / not-connected / connected), `scheduler`,
`detail`, `num_servers`, `num_cpus`, `in_progress`; facts `dist_state`, `dist_scheduler` and
`dist_servers`. Client lines printed around it (`sccache: error: …`) are kept as records too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from analyzer.parsers import Item, register
from analyzer.records import Fact, Problem, Record, fields

KIND = "dist-status"
MAX_LINE = 64 * 1024
MAX_OTHER_LINES = 1
STATES = {"Disabled": "disabled", "NotConnected": "not-connected", "SchedulerStatus": "connected"}
_SNIFF = re.compile(r'^\s*\{"(?:Disabled|NotConnected|SchedulerStatus)":', re.MULTILINE)
_CLIENT = re.compile(r"^sccache: (?:error|caused by|warning): ")


@register
class DistStatusParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        """The status line alone (or with a few client lines); a build log that quotes it is not ours."""
        if not _SNIFF.search(head):
            return 0.0
        other = [line for line in head.splitlines() if line.strip() and not _SNIFF.match(line)
                 and not _CLIENT.match(line) and not line.startswith("$ ")]
        return 0.9 if len(other) <= MAX_OTHER_LINES else 0.2

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if not text:
                continue
            if _CLIENT.match(text):
                yield Record(source, KIND, number, text, level="ERROR", target="sccache-client")
                continue
            if not text.startswith("{"):
                continue
            if len(text) > MAX_LINE:
                yield Problem(source, number, f"status line of {len(text)} characters left out")
                continue
            try:
                doc = json.loads(text)
            except ValueError:
                yield Problem(source, number, "not a JSON status")
                continue
            yield from self._status(doc, text, number, source)

    def _status(self, doc, text: str, number: int, source: str) -> Iterator[Item]:
        if not isinstance(doc, dict) or len(doc) != 1:
            yield Problem(source, number, "not a dist status object")
            return
        (name, value), = doc.items()
        state = STATES.get(name)
        if state is None:
            yield Problem(source, number, f"unknown dist status {name[:40]!r}")
            return
        values: dict[str, str] = {"state": state}
        if isinstance(value, str):
            values["detail"] = value
        elif isinstance(value, list) and value:
            if isinstance(value[0], str):
                values["scheduler"] = value[0]
            if len(value) > 1 and isinstance(value[1], str):
                values["detail"] = value[1]
            elif len(value) > 1 and isinstance(value[1], dict):
                for key in ("num_servers", "num_cpus", "in_progress"):
                    if isinstance(value[1].get(key), int) and not isinstance(value[1].get(key), bool):
                        values[key] = str(value[1][key])
        yield Record(source, KIND, number, text, level="WARN" if state == "not-connected" else None,
                     target="sccache-dist-status", fields=fields(**values))
        yield Fact("dist_state", state, source, number)
        if "scheduler" in values:
            yield Fact("dist_scheduler", values["scheduler"], source, number)
        if "num_servers" in values:
            yield Fact("dist_servers", int(values["num_servers"]), source, number)
