"""The Spanish catalogue is complete: after `makemessages`, no entry of ours is left
untranslated, fuzzy or obsolete, and every one keeps its placeholders."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from gettext import GNUTranslations

import pytest
from django.conf import settings

from tests.production import ROOT

CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# What makemessages reads: the portal, its templates and its scripts, not the sandbox
# (VSee's stand-in), the tests or the benchmarks.
IGNORED = [
    "--ignore",
    ".venv/*",
    "--ignore",
    "sandbox/*",
    "--ignore",
    "tests/*",
    "--ignore",
    "bench/*",
    "--ignore",
    "var/*",
    "--ignore",
    "staticfiles/*",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="needs GNU gettext (apt-get install gettext)",
)


def entries(text: str) -> list[str]:
    return [block for block in text.strip().split("\n\n")[1:] if block.strip()]


def strings(block: str, key: str) -> list[str]:
    """The (joined) values of msgid, msgid_plural or msgstr[...] lines of one entry."""
    found, current = [], None
    for line in block.splitlines():
        if line.startswith(key + " ") or re.match(rf"{re.escape(key)}\[\d\] ", line):
            current = [line.split(" ", 1)[1][1:-1]]
            found.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line[1:-1])
        elif not line.startswith('"'):
            current = None
    return ["".join(parts) for parts in found]


@pytest.fixture(scope="module")
def refreshed() -> str:
    """The catalogue as makemessages leaves it, the committed file put back after."""
    kept = CATALOGUE.read_bytes()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "es", *IGNORED],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        return CATALOGUE.read_text()
    finally:
        CATALOGUE.write_bytes(kept)


def test_nothing_is_left_untranslated_fuzzy_or_obsolete(refreshed):
    untranslated = [
        strings(block, "msgid")[0]
        for block in entries(refreshed)
        if not block.startswith("#~") and not any(strings(block, "msgstr"))
    ]
    fuzzy = [strings(b, "msgid")[0] for b in entries(refreshed) if "#, fuzzy" in b]
    obsolete = [b for b in entries(refreshed) if b.startswith("#~")]
    assert untranslated == [] and fuzzy == [] and obsolete == []


def test_every_translation_keeps_its_placeholders(refreshed):
    """Nothing the page fills in is lost or made up. A plural's singular may leave out
    the count ("Hay un problema"), never anything else."""
    for block in entries(refreshed):
        singular = set(PLACEHOLDER.findall("".join(strings(block, "msgid"))))
        plural = set(PLACEHOLDER.findall("".join(strings(block, "msgid_plural"))))
        forms = [set(PLACEHOLDER.findall(t)) for t in strings(block, "msgstr")]
        if not strings(block, "msgid_plural"):
            assert forms == [singular], block
            continue
        assert all(form <= singular | plural for form in forms), block
        assert forms[0] >= singular & plural, block
        assert forms[-1] >= plural, block


def test_it_compiles(tmp_path):
    done = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_committed_compiled_catalogue_is_up_to_date(tmp_path):
    """locale/*.mo is committed, so a machine without gettext runs in Spanish too."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(CATALOGUE)], check=True)
    committed = CATALOGUE.with_suffix(".mo")
    with fresh.open("rb") as new, committed.open("rb") as old:
        assert GNUTranslations(old)._catalog == GNUTranslations(new)._catalog


def test_the_embed_script_carries_the_catalogue_s_words():
    """embed.js runs on the clinic's page, where no template of ours renders its words:
    it carries them per language, and they must be the catalogue's."""
    from django.utils import translation

    from portal.script_words import words_for

    source = (ROOT / "static" / "embed.js").read_text()
    table = re.search(r"var WORDS = \{(.*?)\n  \};", source, re.S).group(1)
    for code, _name in settings.LANGUAGES:
        line = re.search(rf"^\s*{code}: \{{(.*)\}},$", table, re.M).group(1)
        carried = dict(re.findall(r'(\w+): "([^"]*)"', line))
        with translation.override(code):
            assert carried == words_for("embed")
