"""Markdown building blocks every Markdown renderer shares: code spans and fences no text can
close, escaped prose, folded sections. Log text goes into code spans and fences whose backtick
run is longer than any run inside the text, so a log line holding ``` cannot close the fence and
inject markup; prose outside code is HTML- and Markdown-escaped."""

from __future__ import annotations

import html

import regex

LINE_CHARS = 300
CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BACKTICK_SPAN = regex.compile(r"(`+)(.+?)\1")
MD_SPECIAL = regex.compile(r"([\\*_\[\]|#~])")


def clip(text, limit: int = LINE_CHARS) -> str:
    text = CONTROL.sub("\ufffd", "" if text is None else str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(text, limit: int = LINE_CHARS) -> str:
    """An inline code span no backtick in `text` can close (CommonMark: a longer fence)."""
    text = clip(text, limit).replace("\n", " ")
    if not text:
        return "` `"
    runs = [len(r) for r in regex.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, lang: str = "") -> str:
    """A fenced block longer than any backtick run inside it."""
    body = "\n".join(clip(line, 2000) for line in text.splitlines())
    runs = [len(r) for r in regex.findall(r"`+", body)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{lang}\n{body}\n{fence}"


def prose(text) -> str:
    """Report prose: its own backtick spans re-fenced, everything else escaped."""
    text = clip(text, 4000).replace("\n", " ")
    out, last = [], 0
    for match in BACKTICK_SPAN.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(code(match.group(2), 4000))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def escape(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("`", "\\`")


def summary_html(text) -> str:
    """Text for a `<summary>` (HTML context: Markdown is not rendered there)."""
    return html.escape(clip(text, 200))


def details(title: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{title}</summary>", "", *body, "", "</details>", ""]


def more(total: int, shown: int, what: str) -> list[str]:
    if total <= shown:
        return []
    return [f"*… {total - shown} more {what} not shown; the JSON report (`--format json`) has them all.*"]
