/* 长者模式 switch: without scripts the form goes through the server (GET /display/elder/),
   which sets the cookie and comes back; with scripts the same cookie is set here and the
   page changes at once. The server reads the cookie, so the next page paints right. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-elder-switch]");
  if (!form) { return; }
  var root = document.documentElement;
  var button = form.querySelector("button[aria-pressed]");
  var field = form.querySelector("input[name=elder]");
  var name = form.getAttribute("data-cookie") || "gk_elder";

  function apply(on) {
    root.classList.toggle("elder", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    field.value = on ? "0" : "1";
  }

  function remembered() {
    var pairs = document.cookie.split(";");
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i].trim();
      if (pair.indexOf(name + "=") === 0) { return pair.slice(name.length + 1) === "1"; }
    }
    return root.classList.contains("elder");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var on = !root.classList.contains("elder");
    apply(on);
    var parts = [name + "=" + (on ? "1" : "0"), "path=/", "max-age=31536000", "samesite=lax"];
    if (window.location.protocol === "https:") { parts.push("secure"); }
    document.cookie = parts.join("; ");
  });

  /* A page restored from the back/forward cache keeps its old class: follow the cookie. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { apply(remembered()); }
  });
})();

/* The catalog tree: open on wide screens, folded under its summary on narrow ones so
   that the list comes first; without scripts it stays open. */
(function () {
  "use strict";
  var trees = document.querySelectorAll("details[data-narrow-closed]");
  if (!trees.length || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: 55.99em)");
  function follow() {
    for (var i = 0; i < trees.length; i++) { trees[i].open = !narrow.matches; }
  }
  follow();
  if (narrow.addEventListener) { narrow.addEventListener("change", follow); }
})();

/* 适老化: read the article aloud with the browser's own speech synthesis, with an
   on/off switch. The button stays hidden where the browser cannot speak. */
(function () {
  "use strict";
  var button = document.querySelector("button[data-read-aloud]");
  var synth = window.speechSynthesis;
  if (!button || !synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var target = document.querySelector(button.getAttribute("data-read-aloud"));
  if (!target) { return; }
  var title = document.getElementById("item-title");
  button.hidden = false;

  function set(on) { button.setAttribute("aria-pressed", on ? "true" : "false"); }

  button.addEventListener("click", function () {
    if (button.getAttribute("aria-pressed") === "true") {
      synth.cancel();
      set(false);
      return;
    }
    var text = (title ? title.textContent + "。" : "") + target.textContent;
    var utterance = new window.SpeechSynthesisUtterance(text.replace(/\s+/g, " ").trim());
    utterance.lang = "zh-CN";
    utterance.onend = function () { set(false); };
    utterance.onerror = function () { set(false); };
    synth.cancel();
    synth.speak(utterance);
    set(true);
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
