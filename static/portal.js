// Progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // In an iframe, video needs camera permission on a top-level page: open it in a new tab.
  if (window.top !== window.self) {
    document.querySelectorAll("[data-opens-video]").forEach(function (link) {
      link.target = "_blank";
      link.rel = "noopener";
    });
  }
  // A second click while the first submit is on its way: say it is on its way.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting) {
        event.preventDefault(); // the server makes one visit either way; this spares a wait
        return;
      }
      form.dataset.submitting = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = "Working on it…";
      });
    });
  });
})();
