"""Consent before a visit is made: the room's documents, accepted on the review page.

What was accepted goes to VSee (`consent=true` on the intake and a signed record, a PDF
uploaded as `user_consent` and attached). The portal keeps only a keyed hash of who
accepted which version, so that the same version is not asked again; a new version is.
Guests have no lasting identity here and are asked each time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.booking.consent_record import Accepted, signed_record
from portal.booking.flow import Step, member_id
from portal.clinic import audit
from portal.clinic.consents import ConsentDocument
from portal.forms import AccessibleForm
from portal.http import PortalRequest
from portal.patients.family import CODE_KEY
from portal.patients.identity import code_key
from portal.patients.models import ConsentGiven
from portal.vsee.service import Upload

RECORD_NAME = "consent-record.pdf"


def _ref(request: PortalRequest, step: Step, document: ConsentDocument) -> str:
    """Who (the signed-in patient, and the person the visit is for), which document and
    which version, as a keyed hash; "" for a guest."""
    code = request.session.get(CODE_KEY)
    if not code:
        return ""
    message = (
        f"consent:{settings.VSEE_ACCOUNT_CODE}:{code}:{step.draft.person or 'me'}:"
        f"{document.pk}:{document.version}"
    ).encode()
    return hmac.new(code_key(), message, hashlib.sha256).hexdigest()


def documents_to_ask(request: PortalRequest, step: Step) -> list[ConsentDocument]:
    """The room's documents for this option not yet accepted in their current version."""
    documents = list(ConsentDocument.objects.for_patient(step.room, step.option.key))
    refs = {doc.pk: _ref(request, step, doc) for doc in documents}
    given = set(
        ConsentGiven.objects.filter(
            ref__in=[r for r in refs.values() if r]
        ).values_list("ref", flat=True)
    )
    return [doc for doc in documents if not refs[doc.pk] or refs[doc.pk] not in given]


class ConsentForm(AccessibleForm):
    """A box per document, and a typed full name for those that ask for a signature."""

    documents: list[ConsentDocument] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for doc in self.documents:
            signing = doc.signature and data.get(f"accept_{doc.pk}")
            if signing and not (data.get(f"name_{doc.pk}") or "").strip():
                self.add_error(
                    f"name_{doc.pk}",
                    _("Type your full name to sign “%(document)s”.")
                    % {"document": doc.title},
                )
        return data

    def accepted(self) -> list[tuple[ConsentDocument, str]]:
        """Each document accepted, with the name typed to sign it ("" if none asked)."""
        return [
            (doc, self.cleaned_data.get(f"name_{doc.pk}", "").strip())
            for doc in self.documents
            if self.cleaned_data.get(f"accept_{doc.pk}")
        ]


def consent_form_class(documents: list[ConsentDocument]) -> type[ConsentForm]:
    fields: dict[str, forms.Field] = {}
    for doc in documents:
        named = {"document": doc.title}
        needed = (
            _("Tick the box to accept “%(document)s”: the clinic needs it first.")
            % named
        )
        fields[f"accept_{doc.pk}"] = forms.BooleanField(
            label=_("I have read and accept “%(document)s”") % named,
            required=doc.required,
            error_messages={"required": needed},
        )
        if doc.signature:
            fields[f"name_{doc.pk}"] = forms.CharField(
                label=_("Your full name, as your signature"),
                max_length=120,
                required=False,  # needed once the box is ticked: see ConsentForm.clean
                widget=forms.TextInput(attrs={"autocomplete": "name"}),
            )
    return type("RoomConsentForm", (ConsentForm,), {**fields, "documents": documents})


def give_consent(
    request: PortalRequest, step: Step, accepted: list[tuple[ConsentDocument, str]]
) -> None:
    """Send VSee the signed record and the intake's consent flag, then remember which
    versions were accepted. Raises VSeeError (nothing remembered) when VSee fails."""
    if not accepted:
        return
    vsee, draft = step.vsee(), step.draft
    # The record is the clinic's: in English, saying what the patient read where they
    # read it in Spanish.
    record = signed_record(
        [
            Accepted(doc.title_en, doc.version, name, read_as=doc.title)
            for doc, name in accepted
        ],
        accepted_at=timezone.now(),
        room_name=step.room.display_name_en,
        language=translation.get_language() or "en",
    )
    sent = vsee.file_upload(
        Upload(name=RECORD_NAME, content=record, content_type="application/pdf"),
        category="user_consent",
    )
    draft.consent_file_ids = [*draft.consent_file_ids, sent.id]
    vsee.intake_update(draft.intake_id, consent=True, attachments=draft.attachment_ids)
    for doc, _name in accepted:
        ref = _ref(request, step, doc)
        if ref:
            ConsentGiven.objects.get_or_create(ref=ref)
        audit.record(
            audit.Action.CONSENT_GIVEN,
            member_id=member_id(request),
            room_code=step.room.code,
            visit_kind=step.option.key,
            detail=f"document={doc.pk} version={doc.version}",
        )
