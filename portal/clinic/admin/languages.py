"""Language tabs for the clinic's texts in admin (django-modeltranslation's tabs).

modeltranslation's tab script needs jQuery UI's tabs, which it would load from a CDN; the
admin's policy allows only our own scripts, so we serve the tabs widget ourselves
(static/vendor/jquery-ui) on Django's own jQuery, and finish the tabs for screen readers
(static/admin_language_tabs.js).
"""

from __future__ import annotations

from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

TABS_MEDIA = {
    "js": (
        "admin/js/jquery.init.js",
        "modeltranslation/js/force_jquery.js",
        "vendor/jquery-ui/jquery-ui-tabs.js",
        "modeltranslation/js/tabbed_translation_fields.js",
        "admin_language_tabs.js",
    ),
    "css": {"all": ("modeltranslation/css/tabbed_translation_fields.css",)},
}


class LanguageTabsAdmin(TranslationAdmin):
    """An admin page whose translated fields show as English / Español tabs."""

    class Media:
        js = TABS_MEDIA["js"]
        css = TABS_MEDIA["css"]


__all__ = [
    "LanguageTabsAdmin",
    "TranslationStackedInline",
    "TranslationTabularInline",
]
