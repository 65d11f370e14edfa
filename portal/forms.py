"""The base of every patient-facing form: the server's messages, tied to their fields."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.datastructures import MultiValueDict


class AccessibleForm(forms.Form):
    # The server checks every field and says what is wrong in words; the browser's own
    # bubbles would pre-empt that with messages screen readers often miss.
    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A radio or checkbox group carries it on its fieldset's legend instead.
            if field.required and not field.widget.use_fieldset:
                field.widget.attrs["aria-required"] = "true"

    def mark_invalid_fields(self) -> None:
        """Tie each error to its input for screen readers (aria-invalid, aria-describedby)."""
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            described = [f"{self.auto_id % name}_error"]
            if self.fields[name].help_text:
                described.append(f"{self.auto_id % name}_helptext")
            attrs["aria-describedby"] = " ".join(described)


# Post/Redirect/Get for a form the patient must fix: what they typed and what was wrong
# wait here for the GET the POST redirects to, which shows them once. Back or a refresh
# later shows the page afresh, never an old error summary above fixed fields.
PROBLEMS_KEY = "forms.problems"
F = TypeVar("F", bound=forms.Form)


def redirect_with_problems(
    request: HttpRequest, form: forms.Form, url: str = ""
) -> HttpResponseRedirect:
    """Keep the form's data and messages for one GET of this page, and redirect to it
    (to `url`, a form of the same path, when the page's state is in its query)."""
    request.session[PROBLEMS_KEY] = {
        "path": request.path,
        # By posted name, not field name: a field may span several inputs.
        "data": {
            name: request.POST.getlist(name)
            for name in request.POST
            if name != "csrfmiddlewaretoken"
        },
        "errors": {field: list(messages) for field, messages in form.errors.items()},
    }
    return HttpResponseRedirect(url or request.get_full_path())


def form_with_problems(
    request: HttpRequest, form_class: type[F], **kwargs: Any
) -> F | None:
    """The form as it was posted, with its messages, straight after redirect_with_problems
    (once; None otherwise)."""
    kept = request.session.get(PROBLEMS_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[PROBLEMS_KEY]
    form = form_class(MultiValueDict(kept.get("data") or {}), **kwargs)
    form.full_clean()
    for field, messages in (kept.get("errors") or {}).items():
        if field != NON_FIELD_ERRORS and field not in form.fields:
            continue
        for message in messages:
            if message not in form.errors.get(field, []):
                form.add_error(None if field == NON_FIELD_ERRORS else field, message)
    if isinstance(form, AccessibleForm):
        form.mark_invalid_fields()
    return form
