"""Pydantic models for what VSee sends back: lax where VSee is lax, strict nowhere else.

VSee's payloads vary in type from sample to sample (shared/vsee-api/beyond-the-seed.md §11):
ids and timestamps arrive as strings or numbers, empty lists as "" or null, booleans as
"true", and unknown keys are common. Every model keeps unknown fields (extra="allow").
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field


def _to_str(value: Any) -> Any:
    # Ids: "1525" in one sample, 14396847 in the next (seed: add_walkin vs add_econsult).
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(int(value))
    return value


def _to_int_or_none(value: Any) -> Any:
    # Timestamps and codes: "1458095488" (GET /visits), 1631628616 (GET /visits/:id),
    # 1631628616.25, and {"sec": 1631628616, "usec": 250000} on file objects
    # (beyond-the-seed §11).
    if isinstance(value, dict):
        value = value.get("sec")
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    if isinstance(value, float):
        return int(value) if value == value else None  # NaN is no time
    return value


def _to_float_or_none(value: Any) -> Any:
    # Money: "00.00" in old visit payments, 25 in consultations.
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return value


def _to_list(value: Any) -> Any:
    # `attachments: ""` and `prescriptions: null` both mean "none" (seed: GET /visits/:id).
    if value is None or value == "" or value is False:
        return []
    if isinstance(value, dict):
        # PHP sends an array whose keys are not 0..n-1 as an object, {"0": …, "2": …};
        # and a lone item as the item itself.
        if value and all(str(key).isdigit() for key in value):
            return [value[key] for key in sorted(value, key=lambda key: int(key))]
        return [value] if value else []
    return value


def as_list(value: Any) -> list[Any]:
    """Return a list VSee sent as a list, an object with numeric keys, one item or empty."""
    value = _to_list(value)
    return value if isinstance(value, list) else []


def _object_or_none(value: Any) -> Any:
    # PHP's empty array is `[]` whether a list or an object was meant; `false` and `""`
    # stand for "none" too: `"provider": false`, `"intake": []`, `"postvisit": []`.
    if value is False or value is None or value == "" or value == [] or value == {}:
        return None
    return value


def _to_bool(value: Any) -> Any:
    # `consent: "true"` (beyond-the-seed §9), `slot_available: "1"` (seed: GET /availability).
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if value is None:
        return False
    return bool(value)


VSeeId = Annotated[str, BeforeValidator(_to_str)]
OptId = Annotated[str | None, BeforeValidator(_to_str)]
OptInt = Annotated[int | None, BeforeValidator(_to_int_or_none)]
OptFloat = Annotated[float | None, BeforeValidator(_to_float_or_none)]
LaxBool = Annotated[bool, BeforeValidator(_to_bool)]


def _timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


class VisitType(IntEnum):
    """A visit's `type` (reference: POST /intakes `type`; beyond-the-seed §8)."""

    WALKIN = 1
    APPOINTMENT = 2
    ECONSULT = 3


class VisitStatus(IntEnum):
    """A visit's `status`, as reconstructed in beyond-the-seed §8."""

    PENDING = 10
    CONFIRMED = 20
    IN_PROGRESS = 25
    COMPLETED = 30
    CANCELLED = 40


class UserType(IntEnum):
    """POST /users/sso `type` (beyond-the-seed §2)."""

    PATIENT = 200
    GUEST = 600


class CloseReason(StrEnum):
    """POST /visits/close `reason` (reference: POST /visits/close)."""

    PATIENT_END_CALL = "patient_end_call"
    PATIENT_EXIT_ROOM = "patient_exit_room"
    CALL_ENDED = "call_ended"
    PATIENT_CANCEL_APPOINTMENT = "patient_cancel_appointment"
    MAX_WAITING_TIME_REACHED = "max_waiting_time_reached"


class VSeeModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class FileRef(VSeeModel):
    """A file as VSee describes it on an intake (`_id`) or after upload (`id`)."""

    id: VSeeId = Field(validation_alias=AliasChoices("id", "_id"))
    name: str | None = None
    size: OptInt = None
    ext: str | None = None


def _to_file_refs(value: Any) -> Any:
    value = _to_list(value)
    if isinstance(value, str):
        # The comma-separated form the seed documents for POST /intakes `attachments`.
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [
            {"id": item.strip()} if isinstance(item, str) else item for item in value
        ]
    return value


FileRefs = Annotated[list[FileRef], BeforeValidator(_to_file_refs)]
DictList = Annotated[list[dict[str, Any]], BeforeValidator(_to_list)]
StrList = Annotated[list[VSeeId], BeforeValidator(_to_list)]


class Intake(VSeeModel):
    """An intake; custom answers travel as `custom_<key>` extra fields (seed: POST /intakes)."""

    id: VSeeId
    type: OptInt = None
    room_code: str | None = None
    reason_for_visit: str | None = None
    location: str | None = None
    phone: OptId = None
    provider_id: OptId = None
    consultation: Annotated[dict[str, Any] | None, BeforeValidator(_object_or_none)] = (
        None
    )
    attachments: FileRefs = []
    created: OptInt = None
    modified: OptInt = None

    @property
    def custom_answers(self) -> dict[str, Any]:
        """Return the custom answers keyed without their `custom_` prefix."""
        extra = self.model_extra or {}
        return {
            k.removeprefix("custom_"): v
            for k, v in extra.items()
            if k.startswith("custom_")
        }

    @property
    def attachment_ids(self) -> list[str]:
        return [ref.id for ref in self.attachments]


class VisitIntake(Intake):
    """The intake embedded in a visit: read even without its id (seen in old visits)."""

    id: OptId = None  # type: ignore[assignment]


class Person(VSeeModel):
    """A provider or member as embedded in a visit."""

    id: OptId = None
    code: OptId = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    title: str | None = None
    suffix: str | None = None
    dob: str | None = None
    timezone: str | None = None

    @property
    def display_name(self) -> str:
        name = self.full_name or " ".join(
            p for p in (self.first_name, self.last_name) if p
        )
        return " ".join(p for p in (self.title, name, self.suffix) if p)


class RoomRef(VSeeModel):
    id: OptId = None
    code: str | None = None
    name: str | None = None


class PostVisit(VSeeModel):
    """The provider's notes after a visit; the text fields are HTML (seed: GET /visits)."""

    draft: LaxBool = False
    assessment_plan: str | None = None
    diagnosis: str | None = None
    patient_instructions: str | None = None
    physical_exam: str | None = None
    disposition: str | None = None


class RelatedVisit(VSeeModel):
    """The summary of a linked visit embedded in an appointment (`related_walkin`)."""

    id: OptId = None
    status: OptInt = None
    start: OptInt = None
    end: OptInt = None


class Visit(VSeeModel):
    """A visit: walk-in (type 1), appointment (2) or e-consult (3)."""

    id: VSeeId = Field(validation_alias=AliasChoices("id", "_id"))
    member_id: OptId = None
    provider_id: OptId = None
    type: OptInt = None
    status: OptInt = None
    # Spelled `subtype` and `subType` in the same payload family (beyond-the-seed §8).
    subtype: OptInt = Field(
        default=None, validation_alias=AliasChoices("subtype", "subType")
    )
    start: OptInt = None
    end: OptInt = None
    actual_start: OptInt = None
    actual_end: OptInt = None
    created: OptInt = None
    modified: OptInt = None
    expiry: OptInt = None
    room_code: str | None = None
    intake_id: OptId = None
    provider: Annotated[Person | None, BeforeValidator(_object_or_none)] = None
    member: Annotated[Person | None, BeforeValidator(_object_or_none)] = None
    intake: Annotated[VisitIntake | None, BeforeValidator(_object_or_none)] = None
    room: Annotated[RoomRef | None, BeforeValidator(_object_or_none)] = None
    postvisit: Annotated[PostVisit | None, BeforeValidator(_object_or_none)] = None
    prescriptions: DictList = []
    # When an appointment starts, VSee opens a walk-in for the call and links the two
    # (reference: "Understanding Visit object ID").
    related_walkin_id: OptId = None
    related_appointment_id: OptId = None
    related_walkin: Annotated[RelatedVisit | None, BeforeValidator(_object_or_none)] = (
        None
    )

    @property
    def start_at(self) -> datetime | None:
        return _timestamp(self.start)

    @property
    def end_at(self) -> datetime | None:
        return _timestamp(self.end)


class VisitList(list[Visit]):
    """The visits VSee listed that could be read; `skipped` says how many could not."""

    def __init__(self, visits: list[Visit] = (), *, skipped: int = 0) -> None:  # type: ignore[assignment]
        super().__init__(visits)
        self.skipped = skipped


class Consultation(VSeeModel):
    """A consultation type offered by a room (beyond-the-seed §4 `payment.consultations[]`)."""

    id: OptId = None  # very old samples have none
    description: str = ""
    duration: OptInt = None  # minutes
    amount: OptFloat = None
    currency: str | None = None
    charge: LaxBool = False
    group: LaxBool = False
    slots: OptInt = None
    # Only seen inside intake.consultation samples; absent means visible.
    visible_to_patient: LaxBool = True


class Enabled(VSeeModel):
    enabled: LaxBool = False


class RoomVisits(VSeeModel):
    walkin: Enabled = Enabled()
    appointment: Enabled = Enabled()


class GuestAuth(VSeeModel):
    log_in: Enabled = Enabled()


class RoomAuth(VSeeModel):
    guest: GuestAuth = GuestAuth()


class RoomPayment(VSeeModel):
    currency: str | None = None
    consultations: Annotated[list[Consultation], BeforeValidator(_to_list)] = []


class OperationSettings(VSeeModel):
    is_closed: LaxBool = False
    close_msg: str | None = None
    default_timezone: str | None = None


class Room(VSeeModel):
    """A VSee room as GET /rooms/:code returns it (beyond-the-seed §4)."""

    id: OptId = None
    code: str
    name: str = ""
    slug: str | None = None
    subtitle: str | None = None
    description: str | None = None
    active: LaxBool = True
    provider_ids: StrList = []
    visits: RoomVisits = RoomVisits()
    auth: RoomAuth = RoomAuth()
    payment: RoomPayment = RoomPayment()
    operation_settings: OperationSettings = OperationSettings()

    @property
    def walkin_enabled(self) -> bool:
        return self.visits.walkin.enabled

    @property
    def appointment_enabled(self) -> bool:
        return self.visits.appointment.enabled

    @property
    def guest_enabled(self) -> bool:
        return self.auth.guest.log_in.enabled

    @property
    def is_closed(self) -> bool:
        return self.operation_settings.is_closed

    @property
    def timezone(self) -> str | None:
        return self.operation_settings.default_timezone

    @property
    def consultations(self) -> list[Consultation]:
        """Return the consultation types a patient may pick."""
        return [c for c in self.payment.consultations if c.visible_to_patient and c.id]


class Slot(VSeeModel):
    """One bookable time, in either of the availability response's two shapes."""

    start: int
    end: int
    provider_ids: list[str] = []
    slot_id: OptId = None

    @property
    def start_at(self) -> datetime:
        return datetime.fromtimestamp(self.start, tz=UTC)

    @property
    def end_at(self) -> datetime:
        return datetime.fromtimestamp(self.end, tz=UTC)


def parse_slots(data: Any) -> list[Slot]:
    """Return the free slots from either shape of GET /availability, soonest first.

    Shape 1 (seed: "Sample minimal request"): {"slots": [...], "slot_data": {id: {provider_id}}}.
    Shape 2 (seed: "will change soon to"): [{"start", "end", "providers": [...]}].
    """
    slots: list[Slot | None] = []
    if isinstance(data, dict):
        slot_data = data.get("slot_data") or {}
        for raw in _to_list(data.get("slots")):
            if _to_bool(raw.get("slot_booked")) or not _to_bool(
                raw.get("slot_available", 1)
            ):
                continue
            block = slot_data.get(str(raw.get("slot_id"))) or {}
            provider = _to_str(block.get("provider_id"))
            slots.append(
                _slot(
                    raw.get("slot_start"),
                    raw.get("slot_end"),
                    [provider] if provider else [],
                    raw.get("slot_id"),
                )
            )
    elif isinstance(data, list):
        for raw in data:
            providers = [_to_str(p) for p in _to_list(raw.get("providers"))]
            slots.append(_slot(raw.get("start"), raw.get("end"), providers, None))
    # The list shape's own sample repeats a slot: keep one of each (time, providers).
    unique = {(s.start, s.end, tuple(s.provider_ids)): s for s in slots if s}
    return sorted(unique.values(), key=lambda s: (s.start, s.provider_ids))


def _slot(start: Any, end: Any, provider_ids: list[str], slot_id: Any) -> Slot | None:
    start, end = _to_int_or_none(start), _to_int_or_none(end)
    if start is None or end is None:
        return None  # a slot without times cannot be offered; skip it rather than fail the week
    return Slot(
        start=start,
        end=end,
        provider_ids=[p for p in provider_ids if p],
        slot_id=_to_str(slot_id),
    )


class SsoToken(VSeeModel):
    token: str
    expiry: OptInt = None
    user_id: OptId = None


class SsoUser(VSeeModel):
    """The patient (or guest) that POST /users/sso created or found (beyond-the-seed §2)."""

    id: VSeeId
    code: OptId = None
    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = None
    token: SsoToken


class UploadedFile(VSeeModel):
    """A file after POST /files (beyond-the-seed §5)."""

    id: VSeeId
    name: str | None = None
    size: OptInt = None
    ext: str | None = None
    meta: dict[str, Any] = {}
