/* The print view's 打印 button (shown only with scripts; Ctrl+P works without). */
(function () {
  "use strict";
  var button = document.querySelector("button[data-print]");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
