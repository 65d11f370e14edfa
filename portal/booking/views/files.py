"""Step: attachments — files for the clinic (an insurance card, a photo of a rash).

Each file is checked by its content against the room's rules, goes to VSee with POST /files
(category intake_attachment) and is attached to the intake by id. The bytes are held in
memory for this request only (MemoryOnlyUploadHandler) and never written anywhere by us.
Plain forms work without JavaScript; with htmx the panel (list + upload form) is swapped.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from portal.booking.disarm import disarm
from portal.booking.draft import save_draft
from portal.booking.flow import Step, load_step, member_id, record_vsee_error
from portal.booking.steps import next_url, progress
from portal.booking.uploads import (
    KIND_WORDS,
    MB,
    MemoryOnlyUploadHandler,
    accept_attribute,
    allowed_kinds,
    check_upload,
    content_type,
    display_name,
    name_for_kind,
    rules_in_words,
    size_in_words,
    upload_body_limit,
)
from portal.clinic import audit
from portal.clinic.rooms import Room
from portal.http import PortalRequest
from portal.patients.decorators import patient_required
from portal.vsee.errors import VSeeAuthExpired, VSeeError
from portal.vsee.service import Upload

log = logging.getLogger(__name__)

# What the list shows per file, {file_id: {"name", "size", "kind"}}; ids no longer in
# draft.file_ids are ignored and dropped on the next save.
FILES_KEY = "booking.files"
# Set while the intake in VSee may not carry draft.file_ids yet (the update failed).
UNSYNCED_KEY = "booking.files.unsynced"
# Continue without a required file: said once by the GET it redirects to (Post/Redirect/
# Get), so Back or a refresh later shows the page without the old problem.
PROBLEM_KEY = "booking.files.problem"
NEEDS_A_FILE = gettext_lazy("Attach at least one file to continue.")
FIELD = "files"
ADDED_HEADER = "X-Files-Added"


@csrf_exempt  # checked by _files_step, once the upload handler below is in place
@patient_required
def files_step(request: PortalRequest, code: str, option: str) -> HttpResponse:
    if request.method == "POST":
        # Before anything reads the body: keep uploads in memory, capped by the room's rules.
        room = Room.objects.offered().filter(code=code).first()
        if room and _declared_size(request) > upload_body_limit(room):
            # Refused unread: a huge body would otherwise be read in full first.
            return _too_large(request, code, option)
        request.upload_handlers = [
            MemoryOnlyUploadHandler(
                request,
                cap=room.attachment_max_mb * MB + 1 if room else 0,
                max_files=room.attachment_max_files if room else 0,
            )
        ]
    return _files_step(request, code, option)


def _declared_size(request: PortalRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: PortalRequest, code: str, option: str) -> HttpResponse:
    """Say the files were too large together; nothing of the body was read or kept."""
    step = load_step(request, code, option)
    if isinstance(step, HttpResponse):
        return step
    room = step.room
    count = room.attachment_max_files
    error = ngettext(
        # Translators: English says "files" even for 1 (as the portal always has); give
        # each form its proper wording in your language.
        "Those files are too large to send together. You can attach up to "
        "%(count)s files of up to %(size)s MB each: please choose fewer or smaller "
        "files.",
        "Those files are too large to send together. You can attach up to "
        "%(count)s files of up to %(size)s MB each: please choose fewer or smaller "
        "files.",
        count,
    ) % {"count": count, "size": room.attachment_max_mb}
    response = _render(request, step, errors=[error])
    if not request.htmx:  # htmx swaps only 2xx answers: the fragment says it with a 200
        response.status_code = 413
    return response


@csrf_protect
@require_http_methods(["GET", "POST"])
def _files_step(request: PortalRequest, code: str, option: str) -> HttpResponse:
    step = load_step(request, code, option)
    if isinstance(step, HttpResponse):
        return step
    if not step.room.attachments_offered:
        return _redirect(request, next_url(step.room, option, "intake"))
    if request.method == "GET":
        problem = request.session.pop(PROBLEM_KEY, "")
        if problem and step.room.attachments_required and not step.draft.file_ids:
            return _render(request, step, errors=[problem], full_page=True)
        return _render(request, step)
    if "continue" in request.POST:
        if request.FILES.getlist(FIELD):
            return _upload(request, step, then_continue=True)
        return _continue(request, step)
    return _upload(request, step)


@patient_required
@require_POST
def file_remove(
    request: PortalRequest, code: str, option: str, file_id: str
) -> HttpResponse:
    step = load_step(request, code, option)
    if isinstance(step, HttpResponse):
        return step
    if not step.room.attachments_offered:
        return _redirect(request, next_url(step.room, option, "intake"))
    draft = step.draft
    status = ""
    if file_id in draft.file_ids:
        remaining = [i for i in draft.file_ids if i != file_id]
        try:
            # VSee first: if it fails, the file stays attached both there and here.
            step.vsee().intake_update(
                draft.intake_id, attachments=[*remaining, *draft.consent_file_ids]
            )
        except VSeeAuthExpired:
            raise
        except VSeeError as exc:
            _vsee_failed(request, step, exc, "remove")
            return _render(
                request,
                step,
                vsee_down=_(
                    "We couldn't reach the clinic just now, so the file is still "
                    "attached. Please try again in a moment."
                ),
            )
        name = _stored(request).get(file_id, {}).get("name", _("the file"))
        draft.file_ids = remaining
        save_draft(request.session, draft)
        _store(request, draft.file_ids, _stored(request))
        request.session.pop(UNSYNCED_KEY, None)
        status = _("Removed “%(name)s”.") % {"name": name}
    if request.htmx:
        return _render(request, step, status=status)
    if status:
        messages.success(request, status)
    return HttpResponseRedirect(reverse("files", args=[step.room.code, option]))


def _upload(
    request: PortalRequest, step: Step, *, then_continue: bool = False
) -> HttpResponse:
    """Take the chosen files. With `then_continue` (Continue pressed with files still
    chosen) move on when they all went through, so no chosen file is ever dropped."""
    room, draft = step.room, step.draft
    chosen = request.FILES.getlist(FIELD)
    if not chosen:
        return _render(request, step, errors=[_("Choose a file to attach.")])
    errors: list[str] = []
    accepted = []
    for upload in chosen:
        try:
            kind = check_upload(
                upload, room, attached=len(draft.file_ids) + len(accepted)
            )
            # Only what the file says it is goes on: pictures redrawn, PDFs rewritten.
            content, kind = disarm(upload.read(), kind, display_name(upload.name or ""))
        except ValidationError as exc:
            log.info("attachment refused: %s", exc.code)  # the reason, never the name
            errors.extend(exc.messages)
            continue
        accepted.append((upload, kind, content))

    vsee = step.vsee()
    stored = _stored(request)
    added: list[str] = []
    vsee_down = ""
    for upload, kind, content in accepted:
        name = name_for_kind(display_name(upload.name or ""), kind)
        try:
            sent = vsee.file_upload(
                Upload(name=name, content=content, content_type=content_type(kind)),
                category="intake_attachment",
            )
        except VSeeAuthExpired:
            raise
        except VSeeError as exc:
            _vsee_failed(request, step, exc, "upload")
            left = len(accepted) - len(added)
            if left == 1:
                vsee_down = _(
                    "We couldn't reach the clinic just now, so your file was not "
                    "sent. The files in your list are kept — please choose the rest "
                    "again in a moment."
                )
            else:
                vsee_down = ngettext(
                    "We couldn't reach the clinic just now, so %(count)s file was "
                    "not sent. The files in your list are kept — please choose the "
                    "rest again in a moment.",
                    "We couldn't reach the clinic just now, so %(count)s files were "
                    "not sent. The files in your list are kept — please choose the "
                    "rest again in a moment.",
                    left,
                ) % {"count": left}
            break
        draft.file_ids.append(sent.id)
        stored[sent.id] = {"name": name, "size": len(content), "kind": kind}
        save_draft(request.session, draft)
        _store(request, draft.file_ids, stored)
        request.session[UNSYNCED_KEY] = True
        audit.record(
            audit.Action.FILE_UPLOADED,
            member_id=member_id(request),
            room_code=room.code,
            visit_kind=step.option.key,
        )
        added.append(name)

    if added:
        try:
            _sync(request, step)
        except VSeeAuthExpired:
            raise
        except VSeeError as exc:
            _vsee_failed(request, step, exc, "attach")
            vsee_down = vsee_down or _(
                "We couldn't reach the clinic just now. Your files are kept here and "
                "will be added to your visit when you continue."
            )

    status = _added_in_words(added)
    if then_continue and not (errors or vsee_down):
        return _continue(request, step)
    if request.htmx or errors or vsee_down:
        response = _render(
            request, step, errors=errors, status=status, vsee_down=vsee_down
        )
        # upload.js sends one file per request and marks each as added or not by this.
        response[ADDED_HEADER] = str(len(added))
        return response
    messages.success(request, status)
    return HttpResponseRedirect(reverse("files", args=[room.code, step.option.key]))


def _continue(request: PortalRequest, step: Step) -> HttpResponse:
    room, option = step.room, step.option.key
    if room.attachments_required and not step.draft.file_ids:
        request.session[PROBLEM_KEY] = str(NEEDS_A_FILE)
        return _redirect(request, request.path)
    if request.session.get(UNSYNCED_KEY):
        try:
            _sync(request, step)
        except VSeeAuthExpired:
            raise
        except VSeeError as exc:
            _vsee_failed(request, step, exc, "attach")
            return _render(
                request,
                step,
                vsee_down=_(
                    "We couldn't reach the clinic just now. Your files are kept "
                    "here — please try again in a moment."
                ),
                full_page=True,
            )
    if request.htmx:  # the Continue of the upload form, sent by htmx: a whole new page
        return HttpResponseClientRedirect(next_url(room, option, "files"))
    return HttpResponseRedirect(next_url(room, option, "files"))


def _sync(request: PortalRequest, step: Step) -> None:
    """Make the intake in VSee carry exactly the draft's files."""
    step.vsee().intake_update(
        step.draft.intake_id, attachments=step.draft.attachment_ids
    )
    request.session.pop(UNSYNCED_KEY, None)


def _vsee_failed(
    request: PortalRequest, step: Step, exc: VSeeError, doing: str
) -> None:
    log.warning(
        "attachment %s failed: %s status=%s", doing, type(exc).__name__, exc.status
    )
    record_vsee_error(request, exc, room_code=step.room.code, option=step.option.key)


def _stored(request: PortalRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(FILES_KEY) or {})


def _store(
    request: PortalRequest, file_ids: list[str], stored: dict[str, dict[str, Any]]
) -> None:
    request.session[FILES_KEY] = {i: stored[i] for i in file_ids if i in stored}


def _attached(request: PortalRequest, step: Step) -> list[dict[str, Any]]:
    """Return the draft's files for the list, in the order they were added."""
    stored = _stored(request)
    files = []
    for file_id in step.draft.file_ids:
        info = stored.get(file_id) or {}
        files.append(
            {
                "id": file_id,
                "name": info.get("name") or _("Attached file"),
                "kind": KIND_WORDS.get(info.get("kind", ""), ""),
                "size": size_in_words(info["size"]) if info.get("size") else "",
            }
        )
    return files


def _added_in_words(added: list[str]) -> str:
    if not added:
        return ""
    if len(added) == 1:
        return _("Added “%(name)s”.") % {"name": added[0]}
    names = ", ".join(f"“{n}”" for n in added)
    return ngettext(
        "Added %(count)s file: %(names)s.",
        "Added %(count)s files: %(names)s.",
        len(added),
    ) % {"count": len(added), "names": names}


def _redirect(request: PortalRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _render(
    request: PortalRequest,
    step: Step,
    *,
    errors: list[str] | None = None,
    status: str = "",
    vsee_down: str = "",
    full_page: bool = False,
) -> HttpResponse:
    room, option = step.room, step.option.key
    files = _attached(request, step)
    ctx = {
        "room": room,
        "option": step.option,
        "progress": progress(room, option, "files"),
        "files": files,
        "errors": errors or [],
        "status": status,
        "vsee_down": vsee_down,
        "rules": rules_in_words(room),
        "accept": accept_attribute(allowed_kinds(room)),
        "required": room.attachments_required,
        "remaining": max(0, room.attachment_max_files - len(files)),
        "upload_url": reverse("files", args=[room.code, option]),
    }
    if request.htmx and not full_page:
        # htmx swaps only 2xx answers, so a problem is said in the fragment with a 200.
        return render(request, "booking/partials/file_fragment.html", ctx)
    if vsee_down:
        # SessionMiddleware skips saving on a 5xx; the files VSee did take must not be lost.
        request.session.save()
        return render(request, "booking/files.html", ctx, status=503)
    return render(request, "booking/files.html", ctx)
