"""Compare an analysis report with an `expected.json` (samples and diagnosis cases share it)."""

from __future__ import annotations


def check_expected(report: dict, expected: dict) -> list[str]:
    """Every way the report departs from the expectation, as readable lines (empty = agrees)."""
    problems = []
    verdict = report["verdict"]
    if "status" not in expected:
        problems.append("expected.json states no `status` (build-failed, cache-ineffective, healthy, "
                        "nothing-recognised)")
    elif verdict["status"] != expected["status"]:
        problems.append(f"status {verdict['status']!r}, expected {expected['status']!r}")
    if "fix_plan_first" in expected:
        first = report["fix_plan"][0]["why"] if report["fix_plan"] else None
        if first != expected["fix_plan_first"]:
            problems.append(f"fix plan starts with {first!r}, expected {expected['fix_plan_first']!r}")
    if verdict["root_cause"] != expected.get("root_cause"):
        problems.append(f"root cause {verdict['root_cause']!r}, expected {expected.get('root_cause')!r}")
    if "layer" in expected and verdict["layer"] != expected["layer"]:
        problems.append(f"layer {verdict['layer']!r}, expected {expected['layer']!r}")
    roles = {f["id"]: f["role"] for f in report["findings"]}
    for finding_id in expected.get("findings", []):
        if finding_id not in roles:
            problems.append(f"finding {finding_id} missing (found: {sorted(roles)})")
    for finding_id, role in expected.get("roles", {}).items():
        if roles.get(finding_id) != role:
            problems.append(f"finding {finding_id} has role {roles.get(finding_id)!r}, expected {role!r}")
    ruled_out = {r["id"] for r in report["ruled_out"]}
    for finding_id in expected.get("ruled_out", []):
        if finding_id not in ruled_out:
            problems.append(f"{finding_id} not ruled out (ruled out: {sorted(ruled_out)})")
    root_ids = {r["id"] for r in report["root_causes"]}
    for wrong in expected.get("wrong_root_causes", []):
        if wrong in root_ids:
            problems.append(f"{wrong} reported as a root cause, which is wrong for this bundle")
    return problems
