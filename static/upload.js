// Attachments: a progress bar for htmx uploads. Without JavaScript the form posts normally.
(function () {
  "use strict";

  function uploadForm(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.matches && elt.matches("form[data-upload-form]") ? elt : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event);
    if (!form) {
      return;
    }
    var bar = form.querySelector("progress");
    if (bar) {
      bar.value = 0;
      bar.hidden = false;
    }
    form.setAttribute("aria-busy", "true");
  });

  // Fired for the upload and then for the download of the answer; the bar only goes up.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    var detail = event.detail;
    if (!form || !detail.lengthComputable || !detail.total) {
      return;
    }
    var bar = form.querySelector("progress");
    if (bar) {
      bar.value = Math.max(bar.value, Math.round((detail.loaded / detail.total) * 100));
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploadForm(event);
    if (!form) {
      return;
    }
    // On success the panel is replaced; on failure keep the form and say so.
    var bar = form.querySelector("progress");
    if (bar) {
      bar.hidden = true;
    }
    form.removeAttribute("aria-busy");
    if (!event.detail.successful) {
      var status = document.getElementById("files-status");
      if (status) {
        status.textContent =
          "The upload didn't go through. Please check your connection and try again.";
      }
    }
  });
})();
