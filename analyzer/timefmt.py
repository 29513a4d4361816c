"""Timestamps: as artifacts write them -> the ISO 8601 UTC strings records carry, and back.

Every timestamp leaves here as `2026-11-21T05:23:31Z` or, when the source had a
fraction, `2026-11-21T05:23:31.123Z` (milliseconds; longer fractions are cut, never
rounded, so ordering inside one log is kept). Offsets are converted to UTC. A
timestamp without a zone (fern's `[2017-09-28][11:39:11]`, plain `2026-11-21 05:23:31`)
is taken as UTC: the artifact does not say more, and the machine's zone is unknown.

Accepted shapes:
    2026-11-21T05:23:31Z                 env_logger (sccache >= 0.2.14)
    2026-11-21T05:23:31.123Z             env_logger with SCCACHE_LOG_MILLIS
    2026-11-21T05:23:31.123456+00:00     RFC 3339 with offset, any fraction length
    2026-11-21 05:23:31                  space separator, no zone
    2017-09-28 / 11:39:11                fern's separate date and time (`from_date_time`)
    20261121052331                       PowerShell transcript `Start time:`
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

# 2026-11-21T05:23:31.123456+08:00 | 2026-11-21 05:23:31Z | 2026-11-21T05:23:31
RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:[.,](?P<frac>\d{1,9}))?"
    r"\s*(?P<zone>Z|z|UTC|[+-]\d{2}:?\d{2})?"
)

# 20261121052331 (PowerShell transcript header)
COMPACT = re.compile(r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})")


def format_utc(moment: datetime, millis: bool = False) -> str:
    """Render an aware or naive (taken as UTC) datetime in the record contract's form."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    # not strftime: its %Y gives `1`, not `0001`, for the year 1 on glibc (a time the schema refuses)
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    if millis:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def _offset(zone: str | None) -> timedelta:
    if not zone or zone in ("Z", "z", "UTC"):
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))


def from_parts(date: str, time: str, frac: str | None = None, zone: str | None = None) -> str | None:
    """Build the ISO UTC string from split parts; None when the values are impossible
    (month 13, hour 25) rather than raising, so a parser can report a Problem."""
    try:  # int fields, not strptime: a log has millions of these
        moment = datetime(int(date[0:4]), int(date[5:7]), int(date[8:10]),
                          int(time[0:2]), int(time[3:5]), int(time[6:8]))
        offset = _offset(zone)
    except ValueError:
        return None
    if abs(offset) >= timedelta(hours=24):
        return None
    if frac:
        moment = moment.replace(microsecond=int(frac[:6].ljust(6, "0")))
    try:
        utc = moment - offset
    except OverflowError:  # the year 1 east of UTC, the year 9999 west of it: no such UTC time
        return None
    return format_utc(utc, millis=bool(frac))


@lru_cache(maxsize=4096)
def parse_timestamp(text: str) -> str | None:
    """Parse one timestamp (the whole string, surrounding blanks allowed) or return None.

    Cached: neighbouring log lines share their second, so most calls are a lookup."""
    text = text.strip()
    match = RFC3339.fullmatch(text)
    if match:
        return from_parts(match["date"], match["time"], match["frac"], match["zone"])
    match = COMPACT.fullmatch(text)
    if match:
        return from_parts(f"{match['y']}-{match['mo']}-{match['d']}", f"{match['h']}:{match['mi']}:{match['s']}")
    return None


def from_date_time(date: str, time: str) -> str | None:
    """fern (sccache <= 0.2.5) writes `[2017-09-28][11:39:11]`: local time, no zone."""
    return from_parts(date, time)


def parse_iso(value: str | None) -> datetime | None:
    """A record's ISO 8601 UTC string as a datetime, or None (the inverse of `format_utc`)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def seconds_between(start: str | None, end: str | None) -> float | None:
    a, b = parse_iso(start), parse_iso(end)
    if a is None or b is None:
        return None
    return (b - a).total_seconds()


def clock(value: str | None) -> str:
    """`2026-05-11T02:02:11Z` -> `02:02:11` (what a reader compares at a glance)."""
    moment = parse_iso(value)
    if moment is None:
        return "?"
    text = moment.strftime("%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text
