"""The words our page scripts write (upload progress, the device check, a busy button, the
way out of a frame that loses its cookies), translated here like every other text.

A page that loads a script renders its group with `{% script_words "upload" %}`: a
JSON block (not run, so the Content-Security-Policy allows it) that the script reads by
key. The scripts hold no English of their own, so the catalogue is their one source.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WORDS: dict[str, dict[str, Promise]] = {
    # embed.js runs on the clinic's own page, out of our templates' reach: it carries
    # these in each language itself, and a test checks they match the catalogue.
    "embed": {
        "title": _("Patient portal"),
        "label": _("Book a visit"),
        "close": _("Close"),
    },
    "page": {
        "working": _("Working on it…"),
    },
    "framed": {
        "cookies_blocked": _(
            "Your browser doesn't let this page keep you signed in inside the clinic's "
            "website."
        ),
        "allow": _("Allow, and stay here"),
        "not_allowed": _(
            "Your browser didn't allow it. You can carry on in a new tab instead."
        ),
        "new_tab": _("Continue in a new tab"),
    },
    "upload": {
        "not_through": _(
            "The upload didn't go through. Please check your connection and try again."
        ),
        "waiting": _("Waiting to upload"),
        "uploading": _("Uploading"),
        # %(problem)s: why, as the server said it (a sentence of its own).
        "not_added": _("Not added. %(problem)s"),
        "continuing": _("Continuing once your files are uploaded…"),
    },
    "device_check": {
        "not_allowed": _(
            "Your browser was not allowed to use the camera and microphone. Allow them "
            "for this site (the camera icon in the address bar, or your phone's Settings "
            "for this browser), then press Try again."
        ),
        "not_found": _(
            "We couldn't find a camera or microphone. Plug one in, or use a phone or "
            "tablet, then press Try again."
        ),
        "busy": _(
            "Another app may be using your camera or microphone. Close apps such as "
            "Zoom, Teams or FaceTime, then press Try again."
        ),
        # %(error)s: the browser's own name for the error, e.g. AbortError.
        "failed": _(
            "We couldn't start your camera and microphone (%(error)s). Please try again."
        ),
        "unsupported": _(
            "This browser can't use a camera here. Try a recent Chrome, Safari, Edge or "
            "Firefox."
        ),
        "no_microphone": _("No microphone found."),
        "listening": _("Listening…"),
        "heard": _("We can hear you."),
        "asking": _("Asking for your camera and microphone…"),
        "see_yourself": _("You should see yourself above."),
        "no_camera": _("No camera found."),
        "not_working": _("Not working yet."),
        "try_again": _("Try again"),
        "playing": _(
            "Playing a tone now. If you heard nothing, turn up the volume or check your "
            "headphones."
        ),
    },
}


def words_for(group: str) -> dict[str, str]:
    """One group's words in the current language."""
    return {key: str(text) for key, text in WORDS[group].items()}
