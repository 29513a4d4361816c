"""`fleet.prom`: the fleet's counts as OpenMetrics text, for a node exporter's textfile collector
(copy it into the collector's folder) or a Pushgateway (`curl --data-binary @fleet.prom …`).

    # TYPE sccache_forensics_machines gauge
    # HELP sccache_forensics_machines Machines (bundles) in the last batch, by verdict status.
    sccache_forensics_machines{status="build-failed"} 12
    …
    # EOF

One gauge family per breakdown — status, root cause (with its layer), layer, sccache version,
backend — each a count of machines from the same rows as fleet.csv, in a fixed order. Label
values are escaped by the exposition rules (backslash, double quote, newline); a missing value
is `unknown`. The closing `# EOF` is what OpenMetrics requires and a plain comment to the
Prometheus text parser, so both read the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from analyzer.batch.fleet_html import row_status

PREFIX = "sccache_forensics"
UNKNOWN = "unknown"


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _value(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    return UNKNOWN if value is None or value == "" else str(value)


FAMILIES: tuple[tuple[str, str, tuple[str, ...], Callable[[dict[str, Any]], tuple[str, ...]]], ...] = (
    ("machines", "Machines (bundles) in the last batch, by verdict status (not-analyzed: unreadable, crashed, timed out).",
     ("status",), lambda r: (row_status(r),)),
    ("root_cause_machines", "Analyzed machines by root cause and its layer (root cause none: no root cause found).",
     ("root_cause", "layer"), lambda r: (r.get("root_cause") or "none", _value(r, "layer"))),
    ("layer_machines", "Analyzed machines by the layer of their verdict.", ("layer",), lambda r: (_value(r, "layer"),)),
    ("sccache_version_machines", "Analyzed machines by sccache version.", ("version",),
     lambda r: (_value(r, "sccache_version"),)),
    ("backend_machines", "Analyzed machines by cache backend.", ("backend",), lambda r: (_value(r, "backend"),)),
)


def render(rows: list[dict[str, Any]]) -> str:
    analyzed = [r for r in rows if not r.get("error")]
    lines = []
    for name, help_text, labels, key in FAMILIES:
        metric = f"{PREFIX}_{name}"
        counts = Counter(key(r) for r in (rows if name == "machines" else analyzed))
        lines += [f"# TYPE {metric} gauge", f"# HELP {metric} {escape_help(help_text)}"]
        for values, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            pairs = ",".join(f'{label}="{escape_label(v)}"' for label, v in zip(labels, values, strict=True))
            lines.append(f"{metric}{{{pairs}}} {count}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"
