"""gunicorn's access log, without the secret VSee's webhook address carries in its path
(notices/webhooks.py); used by gunicorn.conf.py."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_IN_PATH = re.compile(r"(/webhooks/vsee/)[^/\s?]+")


def without_secrets(text: str) -> str:
    return SECRET_IN_PATH.sub(r"\1…", text)


class AccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "{raw_uri}e"):  # the path, and the request line
            if isinstance(atoms.get(key), str):
                atoms[key] = without_secrets(atoms[key])
        return atoms
