(function () {
  var form = document.querySelector("form[data-filters]");
  var body = document.querySelector("[data-rows] tbody");
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-rows] tbody tr"));
  if (!form) { return; }
  form.hidden = false;
  var params = new URLSearchParams(window.location.search);
  Array.prototype.forEach.call(form.elements, function (el) {
    if (el.name && params.has(el.name)) { el.value = params.get(el.name); }
  });
  function chosen() {
    var out = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.tagName !== "OUTPUT" && el.value) { out.set(el.name, el.value); }
    });
    return out;
  }
  if (form.dataset.remote) {
    // served by the review app: the server filters and pages, the page swaps its rows
    var more = document.querySelector("[data-more]");
    var next = form.dataset.next ? Number(form.dataset.next) : null;
    var asked = 0;
    function load(append) {
      var query = chosen();
      var mine = ++asked;
      if (append && next !== null) { query.set("offset", next); }
      fetch(form.dataset.remote + "?" + query.toString(), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (got) {
          if (mine !== asked) { return; }
          if (append) { body.insertAdjacentHTML("beforeend", got.rows); }
          else { body.innerHTML = got.rows; }
          next = got.next;
          if (more) { more.hidden = got.next === null; }
          form.elements.count.value = body.rows.length + " of " + got.total + " shown";
          if (!append) { history.replaceState(null, "", "?" + chosen().toString()); }
        })
        .catch(function (e) { form.elements.count.value = "could not load: " + e.message; });
    }
    form.addEventListener("change", function () { load(false); });
    form.addEventListener("submit", function (event) { event.preventDefault(); load(false); });
    if (more) { more.addEventListener("click", function () { load(true); }); }
    form.elements.count.value = body.rows.length + " of " + form.dataset.total + " shown";
    return;
  }
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
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  apply();
})();
