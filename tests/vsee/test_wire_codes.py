"""VSee's wire codes are named once (portal/vsee/schemas.py) and used by name elsewhere:
no bare visit type, visit status or user type numbers in the portal's code."""

from __future__ import annotations

import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
BARE = re.compile(
    # visit.type == 2, visit.status in (10, 20); an error's HTTP status is no wire code
    r"(?<!exc)\.(type|status)\s*(==|!=|in)\s*\(?\s*\d"
    r"|\btype\s*==\s*(200|600)\b"  # user types
    r'|"patient_(exit_room|cancel_appointment|end_call)"'  # close reasons
)


def test_no_bare_wire_codes_outside_the_schemas_and_the_sandbox():
    offenders = [
        f"{path.relative_to(PORTAL)}:{number}: {line.strip()}"
        for path in PORTAL.rglob("*.py")
        if "sandbox" not in path.parts
        and "migrations" not in path.parts
        and path.name != "schemas.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BARE.search(line)
    ]
    assert offenders == []
