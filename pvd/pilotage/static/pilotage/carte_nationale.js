// Map of the dossiers per département: the vendored SVG of the départements (svg-maps,
// CC BY 4.0) shaded by the number of dossiers. Data come from a json_script block; text is
// set with textContent, never as HTML. The table after the map carries the same figures.
(function () {
  "use strict";
  var BUCKETS = [
    { min: 10, cls: "pvd-carte-n4" },
    { min: 5, cls: "pvd-carte-n3" },
    { min: 2, cls: "pvd-carte-n2" },
    { min: 1, cls: "pvd-carte-n1" },
  ];
  var SVG_NS = "http://www.w3.org/2000/svg";

  function bucket(n) {
    for (var i = 0; i < BUCKETS.length; i++) {
      if (n >= BUCKETS[i].min) return BUCKETS[i].cls;
    }
    return "pvd-carte-n0";
  }

  function describe(entry, name) {
    var text = name + " : " + entry.total + (entry.total > 1 ? " dossiers" : " dossier");
    var parts = [];
    entry.phases.forEach(function (phase) {
      if (phase.n) parts.push(phase.label + " " + phase.n);
    });
    return parts.length ? text + " (" + parts.join(", ") + ")" : text;
  }

  function draw(container) {
    var data = JSON.parse(document.getElementById(container.dataset.counts).textContent);
    var byCode = {};
    data.forEach(function (entry) { byCode[entry.code] = entry; });
    fetch(container.dataset.svg, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var svg = doc.documentElement;
        if (svg.nodeName !== "svg") return;
        svg.removeAttribute("aria-label");
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
        svg.querySelectorAll("path").forEach(function (path) {
          var entry = byCode[path.id] || { total: 0, phases: [] };
          var name = path.getAttribute("aria-label") || path.id;
          path.removeAttribute("aria-label");
          path.setAttribute("class", "pvd-carte-dep " + bucket(entry.total));
          path.dataset.departement = path.id;
          path.dataset.dossiers = String(entry.total);
          path.removeAttribute("id");
          var title = document.createElementNS(SVG_NS, "title");
          title.textContent = describe(entry, name);
          path.appendChild(title);
        });
        container.appendChild(document.importNode(svg, true));
        container.dataset.drawn = "true";
      });
  }

  document.querySelectorAll("[data-svg][data-counts]").forEach(draw);
})();
