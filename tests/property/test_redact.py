"""Redaction on arbitrary text and reports: never raises, is idempotent, keeps the report's shape,
and takes out a secret planted in any of the shapes it promises to recognise."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from analyzer.redact import MASK, redact_report, redact_text
from tests.property.strategies import PROPERTY, any_line

SECRET_NAMES = ["AWS_SECRET_ACCESS_KEY", "SCCACHE_REDIS_PASSWORD", "CARGO_REGISTRY_TOKEN",
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "GITHUB_TOKEN", "secret_access_key", "AZURE_CONNECTION_STRING"]
# What a real secret looks like: long, mixed letters and digits, no separators.
SECRET_VALUE = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=40) \
    .filter(lambda v: any(c.isdigit() for c in v) and any(c.isalpha() for c in v))
SHAPES = ["{name}={value}", "export {name}={value}", '{name}="{value}"', "{name}: {value}", "$env:{name} = '{value}'",
          '"{name}": "{value}"', "{name}   {value}", "set {name}={value}", "https://bob:{value}@proxy.example:8080/"]
SEPARATOR = st.sampled_from([" ", "\t", "; ", "\n", " | "])


@PROPERTY
@given(text=any_line())
def test_redact_text_never_raises_and_is_idempotent(text):
    once = redact_text(text)
    assert redact_text(once) == once


@PROPERTY
@given(name=st.sampled_from(SECRET_NAMES), value=SECRET_VALUE, shape=st.sampled_from(SHAPES),
       before=any_line(), after=any_line(), left=SEPARATOR, right=SEPARATOR)
def test_planted_secret_is_taken_out(name, value, shape, before, after, left, right):
    assume(value not in before and value not in after)
    assume(not before or not before[-1:].isalnum())  # the name starts a word
    text = before + left + shape.format(name=name, value=value) + right + after
    out = redact_text(text)
    assert value not in out, (text, out)
    assert MASK in out


report_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_line()),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.sampled_from(SECRET_NAMES + ["text", "path", "id"]),
                                                         any_line()), children, max_size=4)),
    max_leaves=20)


def same_shape(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, str):
        return isinstance(b, str)
    return a == b or (a != a and b != b)


@PROPERTY
@given(body=st.dictionaries(any_line(), report_values, max_size=5))
def test_redact_report_keeps_the_shape(body):
    body.pop("redactions", None)
    out = redact_report(body)
    redactions = out.pop("redactions")
    assert same_shape(body, out)
    assert redactions["count"] >= 0 and redactions["kinds"] == sorted(redactions["kinds"])
