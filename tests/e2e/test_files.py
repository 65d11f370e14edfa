"""The attachments step in a real browser: htmx uploads with a list and remove buttons,
and the same step as plain forms with JavaScript off."""

from __future__ import annotations

import pytest

from portal.clinic.rooms import FieldMode, Room
from sandbox.models import SandboxFile, SandboxIntake
from tests.booking.test_files import ELF, png_bytes
from tests.e2e.conftest import DESKTOP, assert_accessible, fill_intake, sign_in_by_email

pytestmark = pytest.mark.browser

PNG = {"name": "insurance card.png", "mimeType": "image/png", "buffer": png_bytes()}
FAKE_PDF = {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": ELF}


def sign_in_and_fill_in_the_intake(page, base_url: str, mailoutbox) -> None:
    page.goto(base_url + "/rooms/demo-room/walkin/")
    sign_in_by_email(page, mailoutbox)
    fill_intake(page)
    page.get_by_role("heading", name="Add files").wait_for()
    page.wait_for_load_state()  # upload.js (deferred) is listening


def attached_ids() -> list[str]:
    return SandboxIntake.objects.order_by("-created").first().attachment_ids


class TestAttachmentsWithHtmx:
    def test_upload_see_remove_refuse_and_continue(
        self, page, live_server, vsee_live, mailoutbox
    ):
        sign_in_and_fill_in_the_intake(page, live_server.url, mailoutbox)
        assert page.get_by_text("Step 3 of 4").is_visible()
        assert page.get_by_text("No files attached yet.").is_visible()
        assert_accessible(page)

        # The clinic now needs a file: Continue without one says so on the input.
        Room.objects.filter(code="demo-room").update(
            attachments_mode=FieldMode.REQUIRED
        )
        page.get_by_role("button", name="Continue").click()
        summary = page.get_by_role("alert")
        assert "Attach at least one file to continue." in summary.inner_text()
        assert page.get_by_label("Add files").get_attribute("aria-invalid") == "true"
        assert page.title().startswith("Error: ")
        assert_accessible(page)

        # Choosing a file uploads it, with no button to press: htmx swaps the panel and
        # the page itself is not reloaded.
        assert page.get_by_role("button", name="Upload").is_hidden()
        page.evaluate("window.notReloaded = true")
        page.get_by_label("Add files").set_input_files(PNG)
        files = page.get_by_role("list", name="Your files")
        files.get_by_text("insurance card.png", exact=True).first.wait_for()
        assert page.evaluate("window.notReloaded") is True
        assert "PNG" in files.inner_text()
        assert (
            page.get_by_role("status")
            .get_by_text("Added “insurance card.png”.")
            .is_visible()
        )
        assert page.locator("#upload-queue").is_hidden()  # nothing left on its way up
        [stored] = SandboxFile.objects.all()
        assert attached_ids() == [str(stored.id)]
        assert_accessible(page)

        page.get_by_role("button", name="Remove insurance card.png").click()
        page.get_by_text("No files attached yet.").wait_for()
        assert (
            page.get_by_role("status")
            .get_by_text("Removed “insurance card.png”.")
            .is_visible()
        )
        assert attached_ids() == []

        # A program dressed as a PDF: refused, with the message on the input.
        page.get_by_label("Add files").set_input_files(FAKE_PDF)
        page.locator("#id_files_error").wait_for()
        assert (
            "“invoice.pdf” is a program" in page.locator("#id_files_error").inner_text()
        )
        field = page.get_by_label("Add files")
        assert field.get_attribute("aria-invalid") == "true"
        assert "id_files_error" in field.get_attribute("aria-describedby")
        page.get_by_role("status").get_by_text("There is a problem").wait_for()
        assert page.evaluate("window.notReloaded") is True
        assert_accessible(page)

        # Too large for the room's limit: refused, with the size and the limit in words.
        Room.objects.filter(code="demo-room").update(attachment_max_mb=1)
        big = {**PNG, "name": "scan.png", "buffer": png_bytes() + b"\0" * 1_300_000}
        page.get_by_label("Add files").set_input_files(big)
        page.locator(
            "#id_files_error", has_text="the limit is 1 MB per file"
        ).wait_for()
        assert "“scan.png” is 1." in page.locator("#id_files_error").inner_text()
        assert attached_ids() == []
        Room.objects.filter(code="demo-room").update(attachment_max_mb=10)

        page.get_by_label("Add files").set_input_files(PNG)
        files.get_by_text("insurance card.png", exact=True).first.wait_for()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Ready to see a doctor").wait_for()
        assert len(attached_ids()) == 1

    def test_each_file_has_its_own_progress_and_a_refused_one_says_why(
        self, page, live_server, vsee_live, mailoutbox
    ):
        sign_in_and_fill_in_the_intake(page, live_server.url, mailoutbox)
        # Note each progress bar as it appears: one per file, in the order chosen.
        page.evaluate(
            """() => {
              window.bars = [];
              new MutationObserver((changes) => changes.forEach((change) =>
                change.addedNodes.forEach((node) => {
                  const bar = node.querySelector && node.querySelector("progress");
                  if (bar) window.bars.push(bar.getAttribute("aria-label"));
                })
              )).observe(document.getElementById("upload-queue"), {childList: true});
            }"""
        )
        back = {**PNG, "name": "card back.png"}
        page.get_by_label("Add files").set_input_files([PNG, FAKE_PDF, back])

        files = page.get_by_role("list", name="Your files")
        files.get_by_text("card back.png", exact=True).first.wait_for()
        assert files.get_by_text("insurance card.png", exact=True).first.is_visible()
        assert page.evaluate("window.bars") == [
            "Uploading insurance card.png",
            "Uploading invoice.pdf",
            "Uploading card back.png",
        ]
        # The program was refused on its own, and its row says why; the others went.
        refused = page.get_by_role("list", name="Files being added")
        assert refused.get_by_role("listitem").count() == 1
        assert "invoice.pdf" in refused.inner_text()
        assert "Not added. “invoice.pdf” is a program" in refused.inner_text()
        assert len(attached_ids()) == 2
        assert_accessible(page)

        # A new choice clears the old refusal.
        page.get_by_label("Add files").set_input_files({**PNG, "name": "referral.png"})
        files.get_by_text("referral.png", exact=True).first.wait_for()
        page.locator("#upload-queue").wait_for(state="hidden")
        assert len(attached_ids()) == 3

    def test_continue_while_files_are_going_up_waits_for_them(
        self, page, live_server, vsee_live, mailoutbox
    ):
        sign_in_and_fill_in_the_intake(page, live_server.url, mailoutbox)
        held = []

        def hold_the_upload(route):
            if route.request.resource_type == "xhr" and not held:
                held.append(route)  # answered below, once Continue has been pressed
            else:
                route.continue_()

        page.route("**/files/", hold_the_upload)
        page.get_by_label("Add files").set_input_files(PNG)
        page.get_by_text("Uploading", exact=True).wait_for()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("status").get_by_text(
            "Continuing once your files are uploaded…"
        ).wait_for()
        assert held and attached_ids() == []
        held[0].continue_()

        page.get_by_role("heading", name="Ready to see a doctor").wait_for()
        assert len(attached_ids()) == 1


class TestAttachmentsWithoutJavaScript:
    def test_plain_forms_upload_and_remove(
        self, chromium, live_server, vsee_live, mailoutbox
    ):
        context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
        page = context.new_page()
        try:
            sign_in_and_fill_in_the_intake(page, live_server.url, mailoutbox)
            page.get_by_label("Add files").set_input_files(PNG)
            page.get_by_role("button", name="Upload").click()
            page.get_by_role("list", name="Your files").get_by_text(
                "insurance card.png", exact=True
            ).first.wait_for()
            assert page.get_by_text("Added “insurance card.png”.").is_visible()
            assert len(attached_ids()) == 1

            page.get_by_label("Add files").set_input_files(FAKE_PDF)
            page.get_by_role("button", name="Upload").click()
            page.get_by_role("heading", name="There is a problem").wait_for()
            assert (
                "“invoice.pdf” is a program" in page.get_by_role("alert").inner_text()
            )
            # (axe needs JavaScript; the same page with an error is checked above.)

            page.get_by_role("button", name="Remove insurance card.png").click()
            page.get_by_text("No files attached yet.").wait_for()
            assert attached_ids() == []

            # Chosen, not uploaded, and Continue pressed: the file goes with it.
            page.get_by_label("Add files").set_input_files(PNG)
            page.get_by_role("button", name="Continue").click()
            page.get_by_role("heading", name="Ready to see a doctor").wait_for()
            assert len(attached_ids()) == 1
        finally:
            context.close()


class TestChoosingFiles:
    def test_files_dropped_on_a_desktop_upload_at_once(
        self, chromium, live_server, vsee_live, mailoutbox
    ):
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        sign_in_and_fill_in_the_intake(page, live_server.url, mailoutbox)
        assert page.get_by_text("or drop files here").is_visible()
        assert page.get_by_text("Take a photo").is_hidden()  # no camera to point
        dropped = page.evaluate_handle(
            """bytes => {
                const data = new DataTransfer();
                data.items.add(new File([new Uint8Array(bytes)], "dropped card.png",
                                        {type: "image/png"}));
                return data;
            }""",
            list(png_bytes()),
        )
        zone = page.locator("[data-drop-zone]")
        zone.dispatch_event("dragenter", {"dataTransfer": dropped})
        zone.dispatch_event("dragover", {"dataTransfer": dropped})
        assert "file-pick--over" in zone.get_attribute("class")
        zone.dispatch_event("drop", {"dataTransfer": dropped})
        files = page.get_by_role("list", name="Your files")
        files.get_by_text("dropped card.png", exact=True).first.wait_for()
        assert len(attached_ids()) == 1
        context.close()

    @pytest.mark.parametrize("width", [320, 375])
    def test_a_phone_offers_the_camera_and_nothing_scrolls_sideways(
        self, chromium, live_server, vsee_live, mailoutbox, width
    ):
        context = chromium.new_context(
            viewport={"width": width, "height": 700}, has_touch=True, is_mobile=True
        )
        page = context.new_page()
        sign_in_and_fill_in_the_intake(page, live_server.url, mailoutbox)
        camera = page.get_by_label("Take a photo")
        assert page.get_by_text("Take a photo").is_visible()
        assert camera.get_attribute("capture") == "environment"
        assert page.get_by_text("or drop files here").is_hidden()
        # A refused file: the error is shown, and still nothing is wider than the phone.
        page.get_by_label("Add files").set_input_files(FAKE_PDF)
        page.locator("#id_files_error").get_by_text("is a program").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        # A photo taken goes up like any chosen file.
        camera.set_input_files(PNG)
        page.get_by_role("list", name="Your files").get_by_text(
            "insurance card.png", exact=True
        ).first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
