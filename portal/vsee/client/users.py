"""VSee endpoints for users and rooms."""

from __future__ import annotations

from portal.vsee.client.bodies import _compact, _seg
from portal.vsee.client.transport import Transport
from portal.vsee.errors import VSeeError
from portal.vsee.schemas import Person, Room, SsoUser


class UsersAndRooms(Transport):
    # --- users and rooms --------------------------------------------------------------------

    def user_sso(
        self,
        *,
        first_name: str,
        last_name: str,
        type: int = 200,
        code: str | None = None,
        dob: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> SsoUser:
        """Create or find a patient (200) or guest (600) and return it with a fresh token."""
        # Reference: shared/vsee-api/beyond-the-seed.md §2 (key + secret, no token).
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "type": type,
            "code": code,
            "dob": dob,
            "email": email,
            "phone": phone,
            # §2: 1 = VSee sends this user no e-mail notifications.
            "disable_emails": 1 if self.users_get_no_email else None,
        }
        data = self._request(
            "POST",
            "users/sso",
            endpoint="users.sso",
            with_key=True,
            json_body=_compact(body),
        )
        return self._parse(SsoUser, data)

    def room_get(self, *, code: str) -> Room:
        """Return a room with its visit options and consultation types (public access)."""
        # Reference: shared/vsee-api/beyond-the-seed.md §4.
        data = self._request("GET", f"rooms/{_seg(code)}", endpoint="rooms.get")
        return self._parse(Room, data)

    def room_providers(self, *, code: str) -> list[Person]:
        """Return the providers of a room with their names (public access, like room_get)."""
        # Reference: shared/vsee-api/beyond-the-seed.md §4 GET /rooms/:code/providers.
        data = self._request(
            "GET", f"rooms/{_seg(code)}/providers", endpoint="rooms.providers"
        )
        if not isinstance(data, list):
            data = [] if data in (None, "", {}, False) else data
        if not isinstance(data, list):
            raise VSeeError(
                "Unexpected providers from VSee", request_id=self.last_request_id
            )
        return [self._parse(Person, item) for item in data if isinstance(item, dict)]
