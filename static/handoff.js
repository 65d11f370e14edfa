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
  if (!token) {
    document.getElementById("handoff-missing").hidden = false;
    return;
  }
  document.getElementById("handoff-working").hidden = false;
  form.elements.token.value = token;
  form.submit();
})();
