"""Markdown that people write (ticket descriptions, replies, notes) as safe HTML.

Two layers, because either alone has been bypassed somewhere before: raw HTML
in the source is escaped (the Markdown parser's HTML pass-through is switched
off, so ``<script>`` shows as text), and the generated HTML is then cleaned
by nh3 against an allowlist of tags, attributes and URL schemes
(``javascript:`` links lose their href). This is the only place user text is
marked safe.
"""

import functools
import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

EXTENSIONS = ["fenced_code", "sane_lists", "nl2br", "tables"]
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _parser():
    """One parser per thread, reset between texts (building one costs more
    than converting a reply, and a ticket page converts hundreds)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = markdown_lib.Markdown(extensions=EXTENSIONS)
        parser.preprocessors.deregister("html_block")
        parser.inlinePatterns.deregister("html")
        _local.parser = parser
    return parser.reset()


def render_markdown(text: str) -> SafeString:
    """``text`` as sanitised HTML, ready to put in a template."""
    if not text:
        return mark_safe("")
    return _render(text)


# A ticket page renders the same replies on every visit: keep the most
# recent results (the output depends on the text alone).
@functools.lru_cache(maxsize=1024)
def _render(text: str) -> SafeString:
    html = _parser().convert(text)
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES)
    return mark_safe(cleaned)  # noqa: S308 - escaped, then cleaned by nh3 above
