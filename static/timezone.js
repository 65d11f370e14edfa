// Time picker: show times in the patient's own zone. When the page shows another zone and
// the patient has not chosen one, reload it once with the browser's zone as `tz=`; the server
// checks the name and keeps it in the session. Without JavaScript the clinic's zone is shown
// and the patient can change it with the form on the page.
(function () {
  "use strict";
  var el = document.querySelector("[data-tz-detect]");
  if (!el || el.getAttribute("data-tz-chosen") === "1") {
    return;
  }
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!zone || zone === el.getAttribute("data-tz-current")) {
    return;
  }
  var url = new URL(window.location.href);
  if (url.searchParams.get("tz") === zone) {
    return; // asked already and the server did not take it: keep the clinic's zone
  }
  try {
    if (window.sessionStorage.getItem("portal.tz-tried") === zone) {
      return;
    }
    window.sessionStorage.setItem("portal.tz-tried", zone);
  } catch (e) {
    // No storage: the check on the address above still stops a loop.
  }
  url.searchParams.set("tz", zone);
  window.location.replace(url.toString());
})();
