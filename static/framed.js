// Inside a clinic's website (embed.js): tell the page around us our height, our step and
// what happened, and nothing about the patient. Only to a parent whose origin the clinic
// listed under Embedding, and only once it has said hello; never to "*".
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  // Our words, in the patient's language: rendered by the page ({% script_words %}).
  var block = document.getElementById("words-framed");
  var WORDS = block ? JSON.parse(block.textContent) : {};
  var NS = "vsee-portal";
  var EVENTS = ["booked", "cancelled", "signed-out", "failed"];
  var meta = document.querySelector('meta[name="vsee-portal-origins"]');
  var allowed = meta ? meta.content.split(/\s+/).filter(Boolean) : [];
  var parentOrigin = null;
  var channel = null;
  var queued = [];
  var lastHeight = 0;
  var lastStep = null;
  var pending = false;
  var cookiesKept = null; // unknown until the probe answers
  var heldToken = "";

  function send(type, detail) {
    if (!parentOrigin) {
      queued.push([type, detail]);
      return;
    }
    window.parent.postMessage(
      { ns: NS, channel: channel, type: type, detail: detail || {} },
      parentOrigin
    );
  }

  // The page's own height: the root element's box, which follows the content and not the
  // frame (no viewport units in our CSS), so setting the frame's height changes nothing.
  function measure() {
    pending = false;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight) {
      lastHeight = height;
      send("height", { height: height });
    }
  }

  function soon() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(measure);
    }
  }

  function announce(root) {
    var step = document.body.getAttribute("data-portal-step") || "page";
    if (step !== lastStep) {
      lastStep = step;
      send("step", { step: step });
    }
    var marked = root.querySelectorAll ? root.querySelectorAll("[data-portal-event]") : [];
    Array.prototype.forEach.call(marked, function (el) {
      var type = el.getAttribute("data-portal-event");
      if (EVENTS.indexOf(type) === -1 || el.hasAttribute("data-portal-sent")) {
        return;
      }
      el.setAttribute("data-portal-sent", "");
      var detail = {};
      if (type === "booked") {
        detail.option = el.getAttribute("data-option") || "";
        var start = parseInt(el.getAttribute("data-start") || "", 10);
        if (start > 0) {
          detail.start = new Date(start * 1000).toISOString();
        }
      }
      send(type, detail);
    });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.ns !== NS) {
      return;
    }
    if (allowed.indexOf(event.origin) === -1) {
      return; // not a site the clinic listed: say nothing to it
    }
    if (data.type === "hello" && !parentOrigin) {
      parentOrigin = event.origin;
      channel = String(data.channel || "");
      send("ready", {});
      queued.splice(0).forEach(function (message) {
        send(message[0], message[1]);
      });
      lastHeight = 0;
      measure();
      probeCookies();
    } else if (data.type === "handoff" && event.origin === parentOrigin) {
      heldToken = String(data.token || "");
      useToken();
    }
  });

  // Does the browser keep our cookies in this site? Asked once per frame: set one, then
  // ask the server whether it came back.
  // Where the browser blocks our cookies it blocks storage too, and even looking throws.
  function remembered(value) {
    try {
      if (value) {
        window.sessionStorage.setItem(NS + ":cookies", value);
      }
      return window.sessionStorage.getItem(NS + ":cookies");
    } catch (blocked) {
      return null;
    }
  }

  function probeCookies() {
    if (remembered() === "kept") {
      cookiesKept = true;
      useToken();
      return;
    }
    var options = { credentials: "same-origin", cache: "no-store" };
    fetch("/embed/cookies", options)
      .then(function () {
        return fetch("/embed/cookies?check=1", options);
      })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        cookiesKept = Boolean(answer.cookies);
        if (cookiesKept) {
          remembered("kept");
        }
        if (!cookiesKept) {
          offerAWayOn();
        }
        useToken();
      })
      .catch(function () {
        cookiesKept = true; // can't tell: carry on as if they were kept
        useToken();
      });
  }

  // The hand-off token, once we know where it can be used: here, or in a new tab, for
  // which the server trades it for a one-time code (so no token in the tab's address).
  function useToken() {
    if (!heldToken || cookiesKept === null) {
      return;
    }
    var token = heldToken;
    heldToken = "";
    if (cookiesKept) {
      document.dispatchEvent(new CustomEvent(NS + ":handoff", { detail: token }));
      return;
    }
    document.dispatchEvent(new CustomEvent(NS + ":handoff", { detail: "" }));
    var form = document.getElementById("handoff-form");
    var next = form ? form.elements.next.value : "/";
    fetch("/sign-in/handoff/exchange/", {
      method: "POST",
      credentials: "same-origin",
      body: new URLSearchParams({ token: token, next: next }),
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && answer.url) {
          newTabLink.href = answer.url;
        }
      });
  }

  var newTabLink = null;

  function offerAWayOn() {
    var main = document.getElementById("main");
    var box = document.createElement("div");
    box.className = "notice notice--warning frame-fallback";
    box.setAttribute("role", "alert");
    var why = document.createElement("p");
    why.textContent = WORDS.cookies_blocked;
    box.appendChild(why);
    if (document.requestStorageAccess) {
      var allow = document.createElement("button");
      allow.type = "button";
      allow.className = "button button--secondary";
      allow.textContent = WORDS.allow;
      allow.addEventListener("click", function () {
        document.requestStorageAccess().then(
          function () {
            window.location.reload();
          },
          function () {
            allow.remove();
            why.textContent = WORDS.not_allowed;
          }
        );
      });
      box.appendChild(allow);
    }
    newTabLink = document.createElement("a");
    newTabLink.className = "button";
    newTabLink.href = window.location.href;
    newTabLink.target = "_blank";
    newTabLink.rel = "noopener";
    newTabLink.textContent = WORDS.new_tab;
    box.appendChild(newTabLink);
    main.insertBefore(box, main.firstChild);
    soon();
  }

  announce(document);
  if (window.ResizeObserver) {
    new ResizeObserver(soon).observe(document.documentElement);
  } else {
    window.addEventListener("resize", soon);
  }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    announce(event.target);
    soon();
  });
})();
