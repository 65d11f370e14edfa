// Admin, branding: preview the primary colour as patients will see it (the header, a button,
// a link) and say whether white text on it is readable (WCAG AA: 4.5:1), as the server checks.
(function () {
  "use strict";
  function channel(value) {
    var c = value / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function contrastWithWhite(hex) {
    var r = parseInt(hex.slice(1, 3), 16);
    var g = parseInt(hex.slice(3, 5), 16);
    var b = parseInt(hex.slice(5, 7), 16);
    var luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    return 1.05 / (luminance + 0.05);
  }
  function wire() {
  document.querySelectorAll("[data-colour-preview]").forEach(function (preview) {
    var input = document.getElementById(preview.getAttribute("data-for"));
    if (!input) {
      return;
    }
    function show() {
      var colour = input.value;
      if (!/^#[0-9a-fA-F]{6}$/.test(colour)) {
        return;
      }
      preview.querySelectorAll("[data-colour-sample]").forEach(function (el) {
        el.style.backgroundColor = colour;
      });
      preview.querySelectorAll("[data-colour-text]").forEach(function (el) {
        el.style.color = colour;
      });
      var ratio = contrastWithWhite(colour);
      preview.querySelector("[data-colour-contrast]").textContent =
        "White text on this colour: " + ratio.toFixed(1) + ":1 — " +
        (ratio >= 4.5 ? "readable (at least 4.5:1 needed)." : "too light: choose a darker colour (at least 4.5:1 needed).");
    }
    input.addEventListener("input", show);
    show();
  });
  }
  // Admin loads form media in the <head>: wait for the form.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
