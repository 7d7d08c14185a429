(function () {
  var form = document.querySelector("form[data-filters]");
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-rows] tbody tr"));
  if (!form) { return; }
  form.hidden = false;
  var params = new URLSearchParams(window.location.search);
  Array.prototype.forEach.call(form.elements, function (el) {
    if (el.name && params.has(el.name)) { el.value = params.get(el.name); }
  });
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = true;
      Array.prototype.forEach.call(form.elements, function (el) {
        var v = el.value;
        if (!el.name || el.tagName === "OUTPUT" || !v) { return; }
        if (el.name === "q") { keep = keep && row.dataset.q.indexOf(v.toLowerCase()) !== -1; }
        else if (el.name === "from") { keep = keep && row.dataset.date >= v; }
        else if (el.name === "to") { keep = keep && row.dataset.date <= v; }
        else { keep = keep && row.dataset[el.name] === v; }
      });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    form.elements.count.value = shown + " of " + rows.length + " shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
