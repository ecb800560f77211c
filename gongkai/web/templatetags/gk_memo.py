"""{% memo KEY ... %}...{% endmemo %}: a fragment of a page rendered once per process for
each value of its key, then copied.

The chrome of every public page (the header, the navigation, the footer, the 政策问答
panel) is the same for every request with the same site, display mode and language,
but rendering it took half of the base template's time on each page: a search page not
in the result cache spent 0.6 ms there. The key is the values listed in the tag plus
what every fragment may depend on without saying so: the language, the script prefix
(reversed URLs under /site/<slug>/) and what the sites and their navigation hold
(sitecache.stamp(): it follows a saved site, body or site column at once in this
process, and within the sites' TTL in the others). Whatever
else the fragment shows must be among the listed values; blocks and per-request values
(the current path, a CSRF token, the query) stay outside.

Use: {% load gk_memo %}{% memo site.pk elder_mode %}...{% endmemo %}
"""

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from gongkai.core import sitecache

register = template.Library()

# Entries kept per process: a few per site, display mode and language. When full, the
# whole memo is dropped and refilled (no per-entry bookkeeping on the hot path).
MEMO_MAX = 2000
_memo: dict[tuple[object, ...], SafeString] = {}


@receiver(setting_changed)
def clear(*_args: Any, **_kwargs: Any) -> None:
    """Drop every fragment (also when a setting changes, in tests: static or URL settings
    change what a fragment shows)."""
    _memo.clear()


class MemoNode(Node):
    def __init__(self, nodelist: NodeList, keys: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.keys = keys

    def render(self, context: Context) -> SafeString:
        # The node itself names this tag (held by the key, so its id is never reused
        # while the entry lives: without the cached template loader, templates are
        # compiled per request).
        key = (
            self,
            translation.get_language(),
            get_script_prefix(),
            sitecache.stamp(),
            *(k.resolve(context) for k in self.keys),
        )
        found = _memo.get(key)
        if found is None:
            found = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the template engine, escaped there)
            if len(_memo) >= MEMO_MAX:
                _memo.clear()
            _memo[key] = found
        return found


@register.tag("memo")
def do_memo(parser: Parser, token: Token) -> MemoNode:
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)
