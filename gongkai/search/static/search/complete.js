// Title autocomplete: fills the search box's datalist as the user types.
(function () {
  "use strict";
  var input = document.querySelector("input[data-complete]");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    var text = input.value.trim();
    if (timer) { clearTimeout(timer); }
    if (text.length < 2 || text === last) { return; }
    timer = setTimeout(function () {
      last = text;
      var scope = document.querySelector("input[name=scope]:checked");
      var url = input.getAttribute("data-complete") + "?q=" + encodeURIComponent(text) + (scope && scope.value ? "&scope=" + scope.value : "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { completions: [] }; })
        .then(function (data) {
          while (list.firstChild) { list.removeChild(list.firstChild); }
          data.completions.forEach(function (entry) {
            var option = document.createElement("option");
            option.value = entry.title;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
