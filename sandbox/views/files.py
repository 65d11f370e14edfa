"""POST /files: record an upload's metadata; the bytes are never kept (beyond-the-seed §5)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from sandbox.clock import to_unix
from sandbox.models import SandboxFile, hex32
from sandbox.views._api import ApiCall, ApiError, api_endpoint


@api_endpoint("files.upload", method="POST")
def upload(call: ApiCall) -> dict[str, Any]:
    """Return the new file object; `meta.category` is a field name with a literal dot."""
    upload = call.files.get("file")
    if upload is None:
        raise ApiError(400, "file is required")
    category = call.get("meta.category", "meta[category]")
    if category not in SandboxFile.CATEGORIES:
        raise ApiError(
            400, f"meta.category must be one of {', '.join(SandboxFile.CATEGORIES)}"
        )
    name = os.path.basename(upload.name or "upload")[:255] or "upload"
    ext = os.path.splitext(name)[1].lstrip(".").lower()[:16]
    user = call.patient
    f = SandboxFile.objects.create(
        owner=user,
        name=name,
        size=upload.size or 0,
        ext=ext,
        category=category,
        created=call.now,
    )
    # §5: fullpath is a signed, time-stamped view URL. The sandbox serves no bytes, so it
    # only has the shape (auth_code 40-hex, time); fetching it gives a 404.
    path = f"/sandbox/api_v3/files/{f.id}?auth_code={hex32()}{hex32()[:8]}&time={to_unix(call.now)}"
    return {
        "id": str(f.id),
        "name": f.name,
        "size": f.size,
        "ext": f.ext,
        "fullpath": call.request.build_absolute_uri(path),
        "meta": {
            "category": f.category,
            "target": {"id": str(user.pk), "type": "user"},
            "account": {"code": settings.SANDBOX_ACCOUNT_CODE},
        },
        "creator": {
            "id": str(user.pk),
            "username": user.username,
            "full_name": user.full_name,
        },
        "created": to_unix(f.created),
    }
