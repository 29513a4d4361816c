"""What a confidence number means, in words a reader can act on."""

from __future__ import annotations

# (lowest value, meaning), highest first.
SCALE = (
    (0.85, "high: the bundle shows the cause directly"),
    (0.65, "good: the cause is well supported; one link is inferred"),
    (0.45, "moderate: the evidence fits, but other causes are not excluded"),
    (0.0, "low: a reading of symptoms; collect what the report lists as missing"),
)


def confidence_words(value: float | None) -> str | None:
    if value is None:
        return None
    return next(words for floor, words in SCALE if value >= floor)
