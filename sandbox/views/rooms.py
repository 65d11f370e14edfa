"""GET /rooms/:code and GET /rooms/:code/providers: the public room (beyond-the-seed §4)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from sandbox.models import SandboxRoom, SandboxUser
from sandbox.serializers import room_payload
from sandbox.views._api import ApiCall, ApiError, api_endpoint


@api_endpoint("rooms.get", auth="public")
def get(call: ApiCall, code: str) -> dict[str, Any]:
    """Return the room with its visit kinds, consultations and opening state."""
    room = (
        SandboxRoom.objects.filter(code=code).prefetch_related("consultations").first()
    )
    if room is None:
        raise ApiError(404, "Room not found")
    return room_payload(room, domain=call.request.get_host())


@api_endpoint("rooms.providers", auth="public")
def providers(call: ApiCall, code: str) -> list[dict[str, Any]]:
    """Return the room's providers with their names, in VSee's sample shape."""
    room = SandboxRoom.objects.filter(code=code).first()
    if room is None:
        raise ApiError(404, "Room not found")
    users = room.providers.filter(type=SandboxUser.PROVIDER, active=True).order_by("id")
    return [_provider(user) for user in users]


def _provider(user: SandboxUser) -> dict[str, Any]:
    # §4 sample: ids and subtype as strings, `status` and `short_bio` as `false` placeholders.
    return {
        "id": str(user.pk),
        "username": user.username,
        "code": user.code or "",
        "subtype": "482",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "vseeid": f"{settings.SANDBOX_ACCOUNT_CODE}+{user.username}",
        "photo": None,
        "title": user.title,
        "suffix": user.suffix,
        "status": False,
        "short_bio": False,
    }
