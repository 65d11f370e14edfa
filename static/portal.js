// Progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Our words, in the patient's language: rendered by the page ({% script_words %}).
  function words(group) {
    var block = document.getElementById("words-" + group);
    return block ? JSON.parse(block.textContent) : {};
  }
  // In an iframe, video needs camera permission on a top-level page: open it in a new tab.
  if (window.top !== window.self) {
    document.querySelectorAll("[data-opens-video]").forEach(function (link) {
      link.target = "_blank";
      link.rel = "noopener";
    });
    // Tells the server to stay in the frame (browsers without Sec-Fetch-Dest).
    document.querySelectorAll("input[data-framed]").forEach(function (input) {
      input.value = "1";
    });
    // Joining from a frame: a new tab has none of the frame's cookies (partitioned by the
    // clinic's site), so ask here for VSee's page and open that in the new tab.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-join]");
      if (!link || event.button !== 0 || !window.fetch) {
        return;
      }
      event.preventDefault();
      var tab = window.open("", "_blank"); // now, while the tap still counts
      fetch(link.href, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          if (answer.url && tab) {
            tab.opener = null;
            tab.location.href = answer.url;
            return;
          }
          if (tab) {
            tab.close();
          }
          window.location.href = answer.go || link.href;
        })
        .catch(function () {
          if (tab) {
            tab.close();
          }
          window.location.href = link.href; // signed out meanwhile: the frame signs in
        });
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
        button.textContent = words("page").working || button.textContent;
      });
    });
  });
  // The picker's day strip: another day's times are already on the page, so show them
  // without asking again (the link, followed without this, loads that day).
  document.addEventListener("click", function (event) {
    var tab = event.target.closest && event.target.closest("[data-day-tab]");
    if (!tab || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var picker = tab.closest(".picker");
    var panel = picker && picker.querySelector('[data-day-panel="' + tab.dataset.dayTab + '"]');
    if (!panel) {
      return;
    }
    event.preventDefault();
    picker.querySelectorAll("[data-day-tab]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    tab.setAttribute("aria-current", "date");
    picker.querySelectorAll("[data-day-panel]").forEach(function (other) {
      other.hidden = other !== panel;
    });
    history.replaceState(history.state, "", tab.href);
    panel.querySelector("h3").focus();
  });
})();
