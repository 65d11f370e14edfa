/* The patient portal in a clinic's own website.
 *
 *   <div data-vsee-portal data-room="demo-room" data-option="appointment"></div>
 *   <script src="https://portal.example/embed.js" async></script>
 *
 * data-mode="button" shows a "Book a visit" button (data-label) that opens the portal in a
 * dialog; data-lang (e.g. "es") asks for the patient's language. data-handoff may carry a signed hand-off token: it is posted to the frame,
 * never put in its address. Events on the container: vsee-portal:ready, :step, :booked
 * (option, start), :cancelled, :signed-out, :failed. No dependencies.
 */
(function () {
  "use strict";
  var NS = "vsee-portal";
  var script = document.currentScript;
  if (!script || window[NS]) {
    return; // already loaded on this page: one listener serves every embed
  }
  var portal = new URL(script.src, window.location.href).origin;
  var OPTIONS = ["walkin", "appointment", "econsult"];
  var EVENTS = ["ready", "step", "booked", "cancelled", "signed-out", "failed"];
  var embeds = {};
  var count = 0;
  window[NS] = { mount: mountAll };

  function portalUrl(embed) {
    var el = embed.el;
    var room = el.getAttribute("data-room") || "";
    var option = el.getAttribute("data-option") || "";
    var path = "/";
    if (/^[A-Za-z0-9_-]{1,64}$/.test(room)) {
      path = "/rooms/" + room + "/";
      if (OPTIONS.indexOf(option) !== -1) {
        path += option + "/";
      }
    }
    var lang = el.getAttribute("data-lang") || "";
    if (/^[a-z]{2}$/.test(lang)) {
      path += "?lang=" + lang;
    }
    if (embed.token) {
      path = "/sign-in/handoff/?next=" + encodeURIComponent(path);
    }
    return portal + path;
  }

  // Our few words on the clinic's page, in the language data-lang asks for (English
  // otherwise). The same as the catalogue's (portal/script_words.py, group "embed"):
  // tests/test_translations.py checks that they agree.
  var WORDS = {
    en: { title: "Patient portal", label: "Book a visit", close: "Close" },
    es: { title: "Portal para pacientes", label: "Reservar una visita", close: "Cerrar" },
  };

  function wordsFor(embed) {
    return WORDS[embed.el.getAttribute("data-lang")] || WORDS.en;
  }

  function frameFor(embed) {
    var frame = document.createElement("iframe");
    frame.src = portalUrl(embed);
    frame.title = embed.el.getAttribute("data-title") || wordsFor(embed).title;
    frame.style.cssText = "display:block;width:100%;border:0;";
    frame.style.height = embed.inline ? "480px" : "100%";
    frame.addEventListener("load", function () {
      // Every page the frame loads hears who we are; it answers only a listed site.
      frame.contentWindow.postMessage({ ns: NS, type: "hello", channel: embed.channel }, portal);
    });
    embed.frame = frame;
    return frame;
  }

  function emit(embed, type, detail) {
    var clean = {};
    if (type === "step") {
      clean.step = String(detail.step || "");
    } else if (type === "booked") {
      clean.option = String(detail.option || "");
      clean.start = String(detail.start || "");
    }
    embed.el.dispatchEvent(new CustomEvent(NS + ":" + type, { bubbles: true, detail: clean }));
  }

  function intoView(frame) {
    var top = frame.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight) {
      frame.scrollIntoView({ block: "start" });
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== portal || !data || data.ns !== NS) {
      return;
    }
    var embed = embeds[data.channel];
    if (!embed || !embed.frame || event.source !== embed.frame.contentWindow) {
      return; // another embed's frame, or not ours at all
    }
    var detail = data.detail || {};
    if (data.type === "height") {
      var height = Math.ceil(Number(detail.height));
      if (embed.inline && height > 0 && height < 100000) {
        embed.frame.style.height = height + "px";
      }
      return;
    }
    if (EVENTS.indexOf(data.type) === -1) {
      return;
    }
    if (data.type === "ready") {
      if (embed.token) {
        embed.frame.contentWindow.postMessage({ ns: NS, type: "handoff", token: embed.token }, portal);
        embed.token = "";
      }
      if (embed.ready) {
        return;
      }
      embed.ready = true;
    }
    if (data.type === "step" && embed.inline && embed.steps++ > 0) {
      intoView(embed.frame);
    }
    emit(embed, data.type, detail);
  });

  function mountButton(embed) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = embed.el.getAttribute("data-label") || wordsFor(embed).label;
    var dialog = document.createElement("dialog");
    dialog.setAttribute("aria-label", embed.el.getAttribute("data-title") || wordsFor(embed).title);
    dialog.style.cssText =
      "width:min(40rem,calc(100vw - 1rem));height:min(52rem,calc(100vh - 1rem));" +
      "max-width:none;max-height:none;padding:0;border:0;border-radius:8px;";
    var bar = document.createElement("div");
    bar.style.cssText = "display:flex;justify-content:flex-end;padding:4px;";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = wordsFor(embed).close;
    close.style.cssText = "min-height:44px;min-width:44px;";
    var body = document.createElement("div");
    body.style.cssText = "height:calc(100% - 52px);";
    bar.appendChild(close);
    dialog.appendChild(bar);
    dialog.appendChild(body);
    close.addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      button.focus(); // back where the patient was
    });
    button.addEventListener("click", function () {
      if (!embed.frame) {
        body.appendChild(frameFor(embed));
      }
      dialog.showModal();
      close.focus();
    });
    embed.el.appendChild(button);
    embed.el.appendChild(dialog);
  }

  function mount(el) {
    if (el.hasAttribute("data-vsee-portal-mounted")) {
      return;
    }
    el.setAttribute("data-vsee-portal-mounted", "");
    count += 1;
    var embed = {
      el: el,
      channel: NS + "-" + count + "-" + Math.random().toString(36).slice(2, 10),
      inline: el.getAttribute("data-mode") !== "button",
      token: el.getAttribute("data-handoff") || "",
      steps: 0,
    };
    el.removeAttribute("data-handoff"); // not left readable in the page
    embeds[embed.channel] = embed;
    if (embed.inline) {
      el.appendChild(frameFor(embed));
    } else {
      mountButton(embed);
    }
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-vsee-portal]"), mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
