from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from portal.script_words import words_for

register = template.Library()


@register.simple_tag
def script_words(group: str) -> SafeString:
    """The words a page script writes, for `group`, as <script type="application/json">."""
    return json_script(words_for(group), f"words-{group}")
