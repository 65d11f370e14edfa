"""The base of every patient-facing form: the server's messages, tied to their fields."""

from __future__ import annotations

from typing import Any

from django import forms


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

    def submitted_and_valid(self) -> bool:
        """Whether the form was posted and passes; a posted one that fails is marked."""
        if not self.is_bound:
            return False
        if self.is_valid():
            return True
        self.mark_invalid_fields()
        return False

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
