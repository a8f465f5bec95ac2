(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var box = document.getElementById("filters");
  var table = document.getElementById("filterable");
  if (!box || !table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var boxes = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
  var search = box.querySelector("input[type=search]");
  var count = box.querySelector(".count");
  function apply() {
    var shown = {};
    boxes.forEach(function (b) { shown[b.value] = b.checked; });
    var q = search ? search.value.trim().toLowerCase() : "";
    var n = 0;
    rows.forEach(function (r) {
      var ok = shown[r.getAttribute("data-status")] !== false &&
        (q === "" || r.textContent.toLowerCase().indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    if (count) { count.textContent = n + " of " + rows.length + " shown"; }
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  if (search) { search.addEventListener("input", apply); }
  apply();
}());
