// Attachments: files upload as soon as they are chosen, each with its own progress bar.
// Without JavaScript the form posts normally, and Continue sends any chosen file with it.
(function () {
  "use strict";
  // Our words, in the patient's language: rendered by the page ({% script_words %}).
  function words(group) {
    var block = document.getElementById("words-" + group);
    return block ? JSON.parse(block.textContent) : {};
  }
  var WORDS = words("upload");

  // With JavaScript, choosing is uploading: the Upload button would only be one more tap.
  function oneAction() {
    document.querySelectorAll("form[data-upload-form] #upload-button").forEach(function (b) {
      b.hidden = true;
    });
  }
  oneAction();
  document.addEventListener("htmx:afterSettle", oneAction);

  // One request per file, one after another: each file has its own progress bar, and a
  // file refused (too large, the wrong kind) does not hold back the others.
  var waiting = [];
  var busy = false;
  var continueWhenDone = false;
  var NOT_THROUGH = WORDS.not_through;

  function upload(form, files) {
    var list = document.getElementById("upload-queue");
    if (!window.htmx || !window.FormData || !list) {
      form.requestSubmit(); // the plain form, as without JavaScript
      return;
    }
    list.querySelectorAll(".upload-queue__item--refused").forEach(function (row) {
      row.remove(); // a new choice: the last one's refusals are old news
    });
    Array.prototype.forEach.call(files, function (file) {
      waiting.push({ file: file, row: queuedRow(list, file) });
    });
    // Sent from the list now: Continue must not send them a second time.
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      input.value = "";
    });
    list.hidden = false;
    if (!busy) {
      sendNext();
    }
  }

  function queuedRow(list, file) {
    var row = document.createElement("li");
    row.className = "file-item upload-queue__item";
    var text = document.createElement("span");
    text.className = "file-item__text";
    var name = document.createElement("span");
    name.className = "file-item__name";
    name.textContent = file.name;
    var state = document.createElement("span");
    state.className = "file-item__meta muted";
    state.textContent = WORDS.waiting;
    text.appendChild(name);
    text.appendChild(state);
    var bar = document.createElement("progress");
    bar.className = "upload-progress";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    row.appendChild(text);
    row.appendChild(bar);
    list.appendChild(row);
    return row;
  }

  function sendNext() {
    var item = waiting.shift();
    if (!item) {
      busy = false;
      finished();
      return;
    }
    busy = true;
    var form = document.getElementById("upload-form");
    var bar = item.row.querySelector("progress");
    item.row.querySelector(".file-item__meta").textContent = WORDS.uploading;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("files", item.file, item.file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    // Asked as htmx would ask: the answer is the panel, and the news for the live region.
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("HX-Target", "files-panel");
    xhr.setRequestHeader("HX-Current-URL", window.location.href);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable && event.total) {
        bar.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.addEventListener("load", function () {
      var away = xhr.getResponseHeader("HX-Redirect");
      if (away) {
        window.location.href = away; // signed out meanwhile, or the step moved on
        return;
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        refused(item, NOT_THROUGH, true);
      } else {
        // How many went to the clinic, said by the server; its words say why not.
        var added = xhr.getResponseHeader("X-Files-Added");
        var problem = refusal(xhr.responseText);
        window.htmx.swap("#files-panel", xhr.responseText, { swapStyle: "outerHTML" });
        if (added === "0" || (added === null && problem)) {
          refused(item, problem || NOT_THROUGH, false);
        } else {
          item.row.remove(); // now in the list of files, with its Remove button
        }
      }
      sendNext();
    });
    ["error", "timeout", "abort"].forEach(function (type) {
      xhr.addEventListener(type, function () {
        refused(item, NOT_THROUGH, true);
        sendNext();
      });
    });
    xhr.send(data);
  }

  // What the server said was wrong: the field's message, or the clinic being unreachable.
  function refusal(html) {
    var answer = new DOMParser().parseFromString(html, "text/html");
    var error =
      answer.getElementById("id_files_error") || answer.querySelector("#files-panel .notice--error");
    if (!error) {
      return "";
    }
    var hidden = error.querySelector(".visually-hidden");
    if (hidden) {
      hidden.remove(); // "Error: "
    }
    return error.textContent.trim();
  }

  function refused(item, problem, announce) {
    item.row.classList.add("upload-queue__item--refused");
    var bar = item.row.querySelector("progress");
    if (bar) {
      bar.remove();
    }
    var state = item.row.querySelector(".file-item__meta");
    state.classList.remove("muted");
    state.textContent = WORDS.not_added.replace("%(problem)s", problem);
    if (announce) {
      var status = document.getElementById("files-status");
      if (status) {
        status.textContent = problem;
      }
    }
  }

  function finished() {
    var list = document.getElementById("upload-queue");
    var refusedRows = list ? list.querySelectorAll(".upload-queue__item--refused") : [];
    if (list && !refusedRows.length) {
      list.hidden = true;
    }
    if (continueWhenDone) {
      continueWhenDone = false;
      if (refusedRows.length) {
        // Something was not added: stay, and show it where the patient looks.
        refusedRows[0].setAttribute("tabindex", "-1");
        refusedRows[0].focus();
      } else {
        leave(document.getElementById("upload-form"));
      }
    }
  }

  // Chosen means uploaded: no separate "Upload" press to forget.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.closest && input.closest("form[data-upload-form]");
    if (form && input.type === "file" && input.files.length) {
      upload(form, input.files);
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
    upload(form, event.dataTransfer.files);
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
    if (busy) {
      // Files still going up: leave once they are all in (or stay if one is refused).
      continueWhenDone = true;
      var status = document.getElementById("files-status");
      if (status) {
        status.textContent = WORDS.continuing;
      }
      return;
    }
    leave(form);
  });

  function leave(form) {
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
  }
})();
