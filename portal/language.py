"""The patient's language: the browser's Accept-Language first (Django's LocaleMiddleware),
a choice kept in Django's language cookie (the switch on every page, or `?lang=` in a link
or an embed), and English for staff pages and the sandbox (VSee's stand-in)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

LANGUAGE_PARAM = "lang"
ENGLISH_ONLY = ("/admin/", "/sandbox/")
# What of a page's query the switch keeps: where the patient is (the picker's week, day,
# type and provider; whose visits), never anything else a URL may carry (a token, say).
PLACE_PARAMS = (
    "consultation",
    "provider",
    "week",
    "day",
    "first",
    "person",
    "past",
    "room",
)


def offered(code: str) -> str:
    """`code` if the portal speaks it, else ""."""
    return code if code in dict(settings.LANGUAGES) else ""


class PatientLanguageMiddleware:
    """After LocaleMiddleware: `?lang=` wins and is kept; staff pages stay in English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        asked = offered(request.GET.get(LANGUAGE_PARAM, ""))
        if request.path.startswith(ENGLISH_ONLY):
            language = "en"
        else:
            language = asked or translation.get_language() or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        if asked and asked != request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                asked,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def switch_context(request: HttpRequest) -> dict[str, object]:
    """The switch's other language, and where it brings the patient back to: this page
    and the place on it, nothing else of its query (no `lang=` to switch it back)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    other = "en" if current.startswith("es") else "es"
    query = [(k, request.GET[k][:40]) for k in PLACE_PARAMS if request.GET.get(k)]
    here = request.path + (f"?{urlencode(query)}" if query else "")
    return {
        "language_other": other,
        "language_other_name": dict(settings.LANGUAGES)[other],
        "language_back_to": here,
    }
