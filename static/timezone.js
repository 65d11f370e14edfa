// The patient's own time zone, once per session: when the server doesn't know it yet
// (data-tz-send on <body>), send the browser's. A page already showing times in another
// zone (data-tz-current) is then loaded again, once. Without JavaScript times are shown in
// the clinic's zone, and the picker's form changes it.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-tz-send");
  if (!url || !window.fetch) {
    return;
  }
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!zone) {
    return;
  }
  var mayReload = false;
  try {
    // Sent already and the server still doesn't keep it (no cookies here): don't loop.
    if (window.sessionStorage.getItem("portal.tz-sent") === zone) {
      return;
    }
    window.sessionStorage.setItem("portal.tz-sent", zone);
    mayReload = true;
  } catch (e) {
    // No storage: one request per page, and never a reload that could loop.
  }
  var headers = {};
  try {
    headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
  } catch (e) {
    headers = {};
  }
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  fetch(url, {
    method: "POST",
    headers: headers,
    body: "tz=" + encodeURIComponent(zone),
    credentials: "same-origin",
  }).then(function (response) {
    var shown = document.querySelector("[data-tz-current]");
    if (mayReload && response.ok && shown && shown.getAttribute("data-tz-current") !== zone) {
      window.location.reload();
    }
  }).catch(function () {});
})();
