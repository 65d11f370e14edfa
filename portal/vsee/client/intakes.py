"""VSee endpoints for intakes and the files attached to them."""

from __future__ import annotations

from typing import Unpack

from portal.vsee.client.bodies import (
    IntakeFields,
    Upload,
    _intake_body,
    _seg,
    as_form_or_json,
)
from portal.vsee.client.transport import Transport
from portal.vsee.schemas import Intake, UploadedFile


class IntakesAndFiles(Transport):
    # --- intakes ----------------------------------------------------------------------------

    def intake_create(
        self, *, token: str, room_code: str, **fields: Unpack[IntakeFields]
    ) -> Intake:
        """Create an intake and return it (id plus the echoed custom answers)."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /intakes.
        body = _intake_body(room_code=room_code, **fields)
        # The reference's example posts a form; a consultation object needs JSON.
        data = self._request(
            "POST",
            "intakes",
            endpoint="intakes.create",
            token=token,
            **as_form_or_json(body),
        )
        return self._parse(Intake, data)

    def intake_update(
        self,
        *,
        token: str,
        id: str,
        room_code: str | None = None,
        **fields: Unpack[IntakeFields],
    ) -> Intake:
        """Update an existing intake in place (same id) and return it."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /intakes/:id.
        body = _intake_body(room_code=room_code, **fields)
        data = self._request(
            "POST",
            f"intakes/{_seg(id)}",
            endpoint="intakes.update",
            token=token,
            **as_form_or_json(body),
        )
        return self._parse(Intake, data)

    def intake_get(self, *, token: str, id: str) -> Intake:
        """Return an intake with its answers and attachments."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /intakes/:id.
        data = self._request(
            "GET", f"intakes/{_seg(id)}", endpoint="intakes.get", token=token
        )
        return self._parse(Intake, data)

    # --- files ------------------------------------------------------------------------------

    def file_upload(
        self, *, token: str, file: Upload, category: str = "intake_attachment"
    ) -> UploadedFile:
        """Upload one file (multipart) and return its VSee id for an intake's attachments."""
        # Reference: shared/vsee-api/beyond-the-seed.md §5 (`meta.category` has a literal dot).
        files = {"file": (file.name, file.content, file.content_type)}
        data = self._request(
            "POST",
            "files",
            endpoint="files.upload",
            token=token,
            data={"meta.category": category},
            files=files,
        )
        return self._parse(UploadedFile, data)
