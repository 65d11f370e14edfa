"""`VSeeClient`: the transport plus one method per VSee endpoint, grouped by resource."""

from __future__ import annotations

from portal.vsee.client.intakes import IntakesAndFiles
from portal.vsee.client.users import UsersAndRooms
from portal.vsee.client.visits import VisitsAndAvailability


class VSeeClient(UsersAndRooms, IntakesAndFiles, VisitsAndAvailability):
    """One method per VSee endpoint, keyword-only arguments spelled as VSee spells them."""

    def __repr__(self) -> str:  # never show the credentials
        return f"VSeeClient(base_url={self.base_url!r}, account_code={self.account_code!r})"
