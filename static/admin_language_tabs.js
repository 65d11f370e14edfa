// Admin: finish modeltranslation's language tabs (jQuery UI) for keyboards and screen
// readers. jQuery UI puts a link inside each role="tab", an interactive control inside
// another; the tab itself already takes focus, arrow keys and Enter, so the link loses its
// href (and with it its focus stop). Tabs and the page's language switch say the
// language's name, not its code.
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if ($ && $.ui && $.ui.tabs) {
    // Every tab here shows a panel already on the page; none is fetched by its link.
    $.widget("ui.tabs", $.ui.tabs, {
      _isLocal: function () {
        return true;
      },
    });
  }
  var NAMES = { en: "English", es: "Spanish" };

  function finish() {
    document.querySelectorAll("[role=tab] > a.ui-tabs-anchor[href]").forEach(function (a) {
      a.removeAttribute("href");
      if (a.title) {
        a.textContent = a.title;
      }
    });
    document.querySelectorAll("select.modeltranslation-switch").forEach(function (select) {
      select.setAttribute("aria-label", "Language of the texts shown");
      Array.prototype.forEach.call(select.options, function (option) {
        option.textContent = NAMES[option.textContent] || option.textContent;
      });
    });
  }
  function later() {
    window.setTimeout(finish, 0); // after modeltranslation's own handlers have made the tabs
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", later);
  } else {
    later();
  }
  document.addEventListener("formset:added", later);
})();
