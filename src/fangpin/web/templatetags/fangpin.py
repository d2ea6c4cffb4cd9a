"""Template filters of the web UI."""

from __future__ import annotations

from django import template

register = template.Library()

# The statistics bureau names villages by their committee (周庄村村民委员会, 刘湾村委会,
# 陈营社区居委会); people say 周庄村, 刘湾村, 陈营社区.
_VILLAGE_COMMITTEE = ("村民委员会", "村委会")
_RESIDENTS_COMMITTEE = ("居民委员会", "居委会")


@register.filter
def short_region(name: object) -> str:
    text = str(name or "")
    for suffix in _VILLAGE_COMMITTEE:
        if text.endswith(suffix) and len(text) > len(suffix):
            base = text[: -len(suffix)]
            return base if base.endswith(("村", "社区")) else base + "村"
    for suffix in _RESIDENTS_COMMITTEE:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text
