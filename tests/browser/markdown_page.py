"""A Markdown report as GitHub shows it in a comment: GFM to HTML (raw <details> kept, as GitHub
keeps it) inside a page styled like a comment box, so Chromium can lay it out and screenshot it."""

from __future__ import annotations

import html

import cmarkgfm
from cmarkgfm.cmark import Options

STYLE = """
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; }
.comment { max-width: 880px; margin: 16px auto; padding: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; }
code { padding: .2em .4em; border-radius: 6px; overflow-wrap: anywhere; }
pre { padding: 12px; overflow: auto; border-radius: 6px; }
pre code { padding: 0; background: none; overflow-wrap: normal; }
table { display: block; overflow: auto; border-collapse: collapse; }
td, th { border: 1px solid #d1d9e0; padding: 6px 13px; }
"""


def gfm(markdown: str) -> str:
    """HTML as GitHub renders a comment (raw HTML such as <details> kept, as GitHub keeps it)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def page(markdown: str, title: str = "report") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><div class='comment'>{gfm(markdown)}</div></body></html>")
