// Sign-in hand-off: the token comes after the "#" so that it never reaches a server or its
// logs. Take it out of the address bar (and so out of history), then POST it to the portal.
(function () {
  "use strict";
  var form = document.getElementById("handoff-form");
  if (!form) {
    return;
  }
  var token = window.location.hash.replace(/^#/, "");
  var clean = window.location.pathname + window.location.search;
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", clean);
  } else if (token) {
    window.location.hash = "";
  }
  function submit(value) {
    document.getElementById("handoff-working").hidden = false;
    form.elements.token.value = value;
    form.submit();
  }
  if (token) {
    submit(token);
  } else if (window.parent !== window) {
    // In a clinic's website: embed.js posts the token to this frame (framed.js checks
    // that it comes from a listed site and passes it on).
    var missing = window.setTimeout(function () {
      document.getElementById("handoff-missing").hidden = false;
    }, 5000);
    document.addEventListener("vsee-portal:handoff", function (event) {
      window.clearTimeout(missing);
      if (event.detail) {
        submit(event.detail);
      } else {
        // No cookies here: framed.js offers a new tab, signed in by a one-time code.
        document.getElementById("handoff-elsewhere").hidden = false;
      }
    });
  } else {
    document.getElementById("handoff-missing").hidden = false;
  }
})();
