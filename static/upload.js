// Attachments: files upload as soon as they are chosen, with a progress bar. Without
// JavaScript the form posts normally, and Continue sends any chosen file with it.
(function () {
  "use strict";

  // With JavaScript, choosing is uploading: the Upload button would only be one more tap.
  function oneAction() {
    document.querySelectorAll("form[data-upload-form] #upload-button").forEach(function (b) {
      b.hidden = true;
    });
  }
  oneAction();
  document.addEventListener("htmx:afterSettle", oneAction);

  function upload(form) {
    if (window.htmx) {
      // A panel just swapped in may not be wired to htmx yet: wire it, then submit
      // through htmx, never as a whole-page post.
      window.htmx.process(form);
      window.htmx.trigger(form, "submit");
    } else {
      form.requestSubmit();
    }
  }

  // Chosen means uploaded: no separate "Upload" press to forget.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.closest && input.closest("form[data-upload-form]");
    if (form && input.type === "file" && input.files.length) {
      upload(form);
    }
  });

  // Files dropped on the panel are chosen files: uploaded the same way.
  function dropZone(event) {
    var zone = event.target.closest && event.target.closest("form[data-upload-form]");
    return zone && zone.querySelector("[data-drop-zone]") ? zone : null;
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = dropZone(event);
      if (form && event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        form.querySelector("[data-drop-zone]").classList.add("file-pick--over");
      }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var form = dropZone(event);
    if (form && !form.contains(event.relatedTarget)) {
      form.querySelector("[data-drop-zone]").classList.remove("file-pick--over");
    }
  });
  document.addEventListener("drop", function (event) {
    var form = dropZone(event);
    if (!form || !event.dataTransfer || !event.dataTransfer.files.length) {
      return;
    }
    event.preventDefault();
    form.querySelector("[data-drop-zone]").classList.remove("file-pick--over");
    var input = form.querySelector("#id_files");
    input.files = event.dataTransfer.files;
    upload(form);
  });

  // Continue belongs to the upload form (so that without JavaScript chosen files go with
  // it); with JavaScript it leaves as an ordinary post, not through htmx's swap.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=continue]");
    var form = button && button.form;
    if (!form || !form.matches("form[data-upload-form]")) {
      return;
    }
    event.preventDefault();
    var leave = document.createElement("form");
    leave.method = "post";
    leave.action = form.action;
    leave.enctype = "multipart/form-data";
    leave.hidden = true;
    leave.appendChild(form.querySelector("[name=csrfmiddlewaretoken]").cloneNode());
    form.querySelectorAll("input[type=file]").forEach(function (files) {
      if (files.files.length) {
        leave.appendChild(files); // still being uploaded, or refused: sent and checked again
      }
    });
    var go = document.createElement("input");
    go.type = "hidden";
    go.name = "continue";
    go.value = "1";
    leave.appendChild(go);
    document.body.appendChild(leave);
    leave.submit();
  });

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
