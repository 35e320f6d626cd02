"use strict";
(function () {
  var box = document.getElementById("search-box");
  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  if (!box || !input) return;
  box.hidden = false;
  var items = Array.prototype.map.call(document.querySelectorAll("li[data-event]"), function (li) {
    return { li: li, text: li.textContent.toLowerCase() };
  });
  var groups = document.querySelectorAll("section.domain");
  function filter() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var match = terms.every(function (term) { return item.text.indexOf(term) !== -1; });
      item.li.hidden = !match;
      if (match) shown++;
    });
    Array.prototype.forEach.call(groups, function (group) {
      group.hidden = !group.querySelector("li[data-event]:not([hidden])");
    });
    status.textContent = terms.length ? shown + " of " + items.length + " events" : "";
  }
  input.addEventListener("input", filter);
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var first = document.querySelector("li[data-event]:not([hidden]) a");
    if (first) first.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) { event.preventDefault(); input.focus(); }
  });
  if (input.value) filter();
})();
