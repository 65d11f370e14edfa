"""An iCalendar file for one appointment (RFC 5545), written by hand: it is ten lines."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.translation import gettext as _

from portal.vsee.schemas import Visit


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ics_for_visit(
    visit: Visit, *, clinic_name: str, host: str, link: str, cancelled: bool = False
) -> str:
    """Times in UTC, a UID that stays the same for the same visit, and nothing about the
    patient or their health: the calendar may be shared or synced anywhere.

    SEQUENCE counts the seconds from the visit's making to VSee's last change of it, so
    the file for a moved appointment is a later revision of the same event, and calendars
    update that event instead of adding another.
    """
    summary = _("Video visit with %(clinic)s") % {"clinic": clinic_name}
    description = _("Join from %(link)s") % {"link": link}
    made = visit.created or visit.start or 0
    changed = max(visit.modified or made, made)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Patient portal//Visit//EN",
        # A cancellation removes the event from calendars that have it (RFC 5546).
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:visit-{visit.id}@{host.split(':')[0]}",
        f"DTSTAMP:{_utc(changed)}",
        f"SEQUENCE:{changed - made}",
        f"DTSTART:{_utc(visit.start or 0)}",
        f"DTEND:{_utc(visit.end or 0)}",
        f"SUMMARY:{_text(summary)}",
        f"DESCRIPTION:{_text(description)}",
        f"URL:{link}",
        *(["STATUS:CANCELLED"] if cancelled else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1  # never split a UTF-8 character
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with the space
    return "\r\n ".join(parts)
