"""VSee endpoints for visits and the availability they are booked from."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from portal.vsee.client.bodies import _compact, _seg
from portal.vsee.client.transport import Transport, _slot_errors, log
from portal.vsee.errors import VSeeError, VSeeRejected
from portal.vsee.schemas import Slot, Visit, VisitList, as_list, parse_slots


class VisitsAndAvailability(Transport):
    # --- visits -----------------------------------------------------------------------------

    def visit_add_walkin(
        self,
        *,
        token: str,
        intake_id: str,
        room_code: str,
        provider_id: str | None = None,
    ) -> Visit:
        """Create a walk-in (see a doctor now) visit for an intake."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/add_walkin.
        body = _compact(
            {"intake_id": intake_id, "room_code": room_code, "provider_id": provider_id}
        )
        data = self._request(
            "POST",
            "visits/add_walkin",
            endpoint="visits.add_walkin",
            token=token,
            data=body,  # a form, as the reference's example
        )
        return self._parse(Visit, data)

    def visit_add_econsult(
        self, *, token: str, intake_id: str, room_code: str
    ) -> Visit:
        """Create an asynchronous e-consult for an intake."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/add_econsult.
        body = {"intake_id": intake_id, "room_code": room_code}
        data = self._request(
            "POST",
            "visits/add_econsult",
            endpoint="visits.add_econsult",
            token=token,
            json_body=body,  # JSON, as the reference's example
        )
        return self._parse(Visit, data)

    def availability_get(
        self,
        *,
        token: str | None = None,
        room_code: str | None = None,
        intake_id: str | None = None,
        consultation_id: str | None = None,
        start: int | None = None,
        end: int | None = None,
        duration: int | None = None,
        provider_id: str | None = None,
        location: str | None = None,
        nearest: bool | None = None,
    ) -> list[Slot]:
        """Return the free slots in a window; without a token, use the API key and secret."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /availability (two shapes).
        params = {
            "room_code": room_code,
            "intake_id": intake_id,
            "consultation_id": consultation_id,
            "start": start,
            "end": end,
            "duration": duration,
            "provider_id": provider_id,
            "location": location,
            "nearest": 1 if nearest else None,
        }
        data = self._request(
            "GET",
            "availability",
            endpoint="availability.get",
            token=token,
            with_key=token is None,
            params=params,
        )
        try:
            return parse_slots(data)
        except (ValidationError, AttributeError, TypeError) as exc:
            raise VSeeError("Unexpected availability from VSee") from exc

    def visit_create(
        self,
        *,
        token: str,
        room_code: str,
        intake_id: str,
        slot_start: int,
        slot_end: int,
        provider_id: str | None = None,
        member_id: str | None = None,
    ) -> Visit:
        """Book an appointment (type 2) for a slot."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits.
        body = _compact(
            {
                "type": 2,
                "room_code": room_code,
                "intake_id": intake_id,
                "slot_start": slot_start,
                "slot_end": slot_end,
                "provider_id": provider_id,
                "member_id": member_id,
            }
        )
        with _slot_errors():
            data = self._request(
                "POST", "visits", endpoint="visits.create", token=token, data=body
            )
        return self._parse(Visit, data)

    def visit_list(self, *, token: str) -> VisitList:
        """Return the patient's visits in one call; one that can't be read is skipped."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits.
        data = self._request("GET", "visits", endpoint="visits.list", token=token)
        visits, skipped = [], 0
        for item in as_list(data):
            try:
                visits.append(Visit.model_validate(item))
            except ValidationError:
                # One odd record costs its row, not the page. Class and id only: the
                # record itself may carry PHI.
                skipped += 1
                log.warning("vsee visit skipped: unreadable (visit %s)", _id_of(item))
        return VisitList(visits, skipped=skipped)

    def visit_get(self, *, token: str, id: str) -> Visit:
        """Return one visit with its intake and the provider's notes."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits/:id.
        data = self._request(
            "GET", f"visits/{_seg(id)}", endpoint="visits.get", token=token
        )
        return self._parse(Visit, data)

    def visit_update(
        self,
        *,
        token: str,
        id: str,
        slot_start: int | None = None,
        slot_end: int | None = None,
        provider_id: str | None = None,
    ) -> None:
        """Move an appointment to a new slot, or change its provider ("0" removes it).

        The reply is not read: the reference's own sample has no id, and a moved
        appointment must never look like a failure to the patient. Re-read the visit.
        """
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/:id?version=2.
        body = _compact(
            {"slot_start": slot_start, "slot_end": slot_end, "provider_id": provider_id}
        )
        with _slot_errors():
            self._request(
                "POST",
                f"visits/{_seg(id)}",
                endpoint="visits.update",
                token=token,
                params={"version": 2},
                data=body,
            )

    def visit_close(self, *, token: str, id: str, reason: str) -> str:
        """Close or cancel a visit and return its id."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/close (reasons listed there).
        data = self._request(
            "POST",
            "visits/close",
            endpoint="visits.close",
            token=token,
            data={"id": id, "reason": reason},
        )
        return str(data.get("id", id)) if isinstance(data, dict) else id

    def visit_delete(self, *, token: str, id: str) -> bool:
        """Force-cancel a visit."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §POST /visits/delete.
        data = self._request(
            "POST",
            "visits/delete",
            endpoint="visits.delete",
            token=token,
            data={"id": id},
        )
        return data is not False

    def visit_current(self, *, token: str) -> Visit | None:
        """Return the patient's visit in progress, or None."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits/current.
        try:
            data = self._request(
                "GET", "visits/current", endpoint="visits.current", token=token
            )
        except VSeeRejected as exc:
            if exc.status in (400, 404):
                return None  # VSee's way of saying "no visit in progress", too
            raise
        return self._parse(Visit, data) if isinstance(data, dict) and data else None

    def visit_summary_export(self, *, token: str, id: str) -> str:
        """Return the URL of the visit's summary PDF (VSee hosts it; we never proxy it)."""
        # Reference: shared/vsee-api/intakes-and-visits-v3.txt §GET /visits/:id/exports/visit_summary.
        data = self._request(
            "GET",
            f"visits/{_seg(id)}/exports/visit_summary",
            endpoint="visits.summary_export",
            token=token,
        )
        url = data.get("url") if isinstance(data, dict) else None
        if not url or not str(url).startswith(("https://", "http://")):
            raise VSeeError("VSee sent no summary URL")
        return str(url)


def _id_of(item: Any) -> str:
    raw = item.get("id", item.get("_id", "?")) if isinstance(item, dict) else "?"
    return str(raw)[:20] if isinstance(raw, int | str) else "?"
