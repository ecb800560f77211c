"""Rich text of information items: refused when it carries scripts, else sanitised
with nh3 to a small set of tags, and turned into plain text for search and screening."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "sub", "sup", "blockquote",
    "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "caption", "a", "span", "div", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|style|link|meta|form)\b|\son[a-z]+\s*=|(java|vb)script\s*:|data\s*:\s*text/html",
    re.IGNORECASE,
)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|div|blockquote|table|caption)>|<br\s*/?>", re.IGNORECASE)


class UnsafeHTMLError(ValueError):
    """The HTML carries scripts or event handlers; the message is for the user."""


def clean(raw: str) -> str:
    found = _DANGEROUS.search(raw)
    if found:
        raise UnsafeHTMLError(f"正文含有脚本、事件处理或嵌入代码（“{found.group(0).strip()}”），未保存。请删除后重试。")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def to_text(clean_html: str) -> str:
    with_breaks = _BLOCK_END.sub("\n", _CELL_END.sub("\t", clean_html))
    text = html.unescape(nh3.clean(with_breaks, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def from_plain(text: str) -> str:
    """Plain text with `## ` headings (the corpus format) as clean HTML."""
    parts: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("### "):
            parts.append(f"<h3>{html.escape(line[4:])}</h3>")
        elif line.startswith("## "):
            parts.append(f"<h2>{html.escape(line[3:])}</h2>")
        else:
            parts.append(f"<p>{html.escape(line)}</p>")
    return "\n".join(parts)
