"""Logs of `sccache-dist scheduler` and `sccache-dist server` (the builder). Their records have
the same shape as the sccache server's (env_logger: `[time LEVEL target] message`), so the
sccache-log reader does the work; this kind keeps them apart so a builder's sandbox errors are
read as the builder's, not as the local server's, and names the role:

    [2026-12-03T04:08:14Z INFO  sccache::dist::http::server] Scheduler listening for clients on 127.0.0.1:10600
    [2026-12-03T04:09:09Z INFO  sccache_dist::build] Creating overlay builder
    [2026-12-03T04:09:54Z WARN  sccache::dist::http::server] Res 1 error: run build failed, caused by: …

Facts: `dist_role` (scheduler / builder) and `dist_scheduler` (the builder's scheduler URL or
the scheduler's own address).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from analyzer.parsers import Item, register
from analyzer.parsers.sccache_log import SccacheLogParser, sniff_score
from analyzer.records import Fact, Record

KIND = "sccache-dist-log"
# What only the scheduler or a builder writes.
_SCHEDULER = re.compile(r"Scheduler listening for clients on (?P<addr>\S+)|sccache_dist::(?:main|scheduler)|"
                        r"Handling new job|Job \d+ created and will be assigned")
_BUILDER = re.compile(r"sccache_dist::build\]|Server listening for clients on|Server connected to scheduler|"
                      r"Creating (?:overlay|docker|pot) builder|Preparing overlay")
_TARGET = re.compile(r"^\[[^\]]*? (?:sccache_dist(?:::\w+)*|sccache::dist::http::server)\]", re.MULTILINE)
_SCHEDULER_URL = re.compile(r"starting new connection: (?P<url>https?://\S+)")


@register
class SccacheDistLogParser:
    kind = KIND

    def sniff(self, head: str, name: str) -> float:
        if not (_SCHEDULER.search(head) or _BUILDER.search(head)) or not _TARGET.search(head):
            return 0.0
        return max(0.97, sniff_score(head, name))  # above the sccache-log reader

    def parse(self, lines: Iterable[str], source: str) -> Iterator[Item]:
        role: str | None = None
        scheduler_noted = False
        for item in SccacheLogParser().parse(lines, source):
            if not isinstance(item, Record):
                if isinstance(item, Fact) and item.name in ("server_port",):
                    continue  # the local server's facts do not apply to a dist daemon
                yield item
                continue
            record = replace(item, kind=KIND, event=None)  # the local server's events are not these
            yield record
            if role is None:
                found = _SCHEDULER.search(record.text)
                if found:
                    role = "scheduler"
                    yield Fact("dist_role", role, source, record.line)
                    if found["addr"]:
                        yield Fact("dist_scheduler", found["addr"], source, record.line)
                        scheduler_noted = True
                elif _BUILDER.search(f"[ {record.target}] {record.text}"):
                    role = "builder"
                    yield Fact("dist_role", role, source, record.line)
            if role == "builder" and not scheduler_noted:
                url = _SCHEDULER_URL.search(record.text)
                if url:
                    scheduler_noted = True
                    yield Fact("dist_scheduler", url["url"], source, record.line)
