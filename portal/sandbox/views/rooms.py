"""GET /rooms/:code: the public room object (beyond-the-seed §4)."""

from __future__ import annotations

from typing import Any

from portal.sandbox.models import SandboxRoom
from portal.sandbox.serializers import room_payload
from portal.sandbox.views._api import ApiCall, ApiError, api_endpoint


@api_endpoint("rooms.get", auth="public")
def get(call: ApiCall, code: str) -> dict[str, Any]:
    """Return the room with its visit kinds, consultations and opening state."""
    room = (
        SandboxRoom.objects.filter(code=code).prefetch_related("consultations").first()
    )
    if room is None:
        raise ApiError(404, "Room not found")
    return room_payload(room, domain=call.request.get_host())
