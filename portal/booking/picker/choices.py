"""The consultation and provider choices the picker offers, with their labels."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.vsee.schemas import Consultation

_CURRENCY_SIGNS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "€", "GBP": "£"}


# --- choices -----------------------------------------------------------------------------------


def choose_consultation(
    consultations: Sequence[Consultation], value: str | None
) -> Consultation | None:
    """Return the consultation `value` names; the only one offered when there is one."""
    for consultation in consultations:
        if value and consultation.id == value:
            return consultation
    return consultations[0] if len(consultations) == 1 else None


def duration_label(consultation: Consultation) -> str:
    minutes = consultation.duration or 0
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    in_hours = ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    # Translators: English says "minutes" even for 1 (as the portal always has); give
    # each form its proper wording in your language.
    in_minutes = ngettext("%(count)s minutes", "%(count)s minutes", rest) % {
        "count": rest
    }
    if hours and rest:
        # Translators: a duration, e.g. "1 hour 30 minutes".
        return _("%(hours)s %(minutes)s") % {"hours": in_hours, "minutes": in_minutes}
    return in_hours if hours else in_minutes


def price_label(consultation: Consultation) -> str:
    """Return "$25" or "12.50 CHF"; "" when the consultation costs nothing."""
    amount = consultation.amount or 0
    if amount <= 0:
        return ""
    number = f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"
    currency = (consultation.currency or "").upper()
    sign = _CURRENCY_SIGNS.get(currency)
    if sign:
        return f"{sign}{number}"
    return f"{number} {currency}".strip()


@dataclass(frozen=True)
class ConsultationChoice:
    id: str
    description: str
    duration: str
    price: str


def consultation_choices(
    consultations: Sequence[Consultation],
    name: Callable[[Consultation], str] | None = None,
) -> list[ConsultationChoice]:
    """`name` gives a type's name in the patient's language (Room.consultation_name);
    without it, VSee's."""
    return [
        ConsultationChoice(
            id=c.id or "",
            description=(name(c) if name else c.description) or _("Video visit"),
            duration=duration_label(c),
            price=price_label(c),
        )
        for c in consultations
    ]


@dataclass(frozen=True)
class ProviderChoice:
    id: str
    label: str


def provider_choices(
    provider_ids: Sequence[str], names: Mapping[str, str] | None = None
) -> list[ProviderChoice]:
    """Return the providers to filter by; none when the room has fewer than two.

    Names come from VSee where it gives them; otherwise providers are numbered.
    """
    if len(provider_ids) < 2:
        return []
    names = names or {}
    return [
        ProviderChoice(
            id=pid,
            label=names.get(pid) or _("Provider %(number)s") % {"number": n},
        )
        for n, pid in enumerate(provider_ids, start=1)
    ]


def choose_provider(provider_ids: Sequence[str], value: str | None) -> str:
    """Return `value` if it is one of the room's providers (and there are several), else ""."""
    if len(provider_ids) > 1 and value and value in provider_ids:
        return value
    return ""
