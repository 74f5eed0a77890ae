// Calendar's controls and map (Leaflet) of the plan d'action; the calendar and the list of places read without JS.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  }
  // Positions are CSS custom properties (plan.css) read from data-* attributes: the
  // Content-Security-Policy forbids style attributes, not properties set from a script.
  function placeCalendar(gantt) {
    var table = gantt.querySelector("table[data-months]");
    if (!table) { return; }
    table.style.setProperty("--months", table.dataset.months);
    if (table.dataset.today) { table.style.setProperty("--today", table.dataset.today); }
    var stops = ["transparent 0"];
    (table.dataset.yearLines || "").split(" ").filter(Boolean).forEach(function (at) {
      stops.push("transparent calc(" + at + "% - 1px)", "var(--pvd-gantt-year-line) calc(" + at + "% - 1px) " + at + "%", "transparent " + at + "%");
    });
    table.style.setProperty("--year-lines", "linear-gradient(to right, " + stops.join(", ") + ")");
    table.querySelectorAll("[data-start][data-length]").forEach(function (node) {
      node.style.setProperty("--start", node.dataset.start);
      node.style.setProperty("--length", node.dataset.length);
    });
    gantt.dataset.placed = "true";
  }
  // The calendar is HTML drawn by the server (actions/includes/calendrier.html): here the bars and
  // marks are placed, then the choice of scale and the « Aujourd'hui » button; no text of the page
  // goes through JavaScript.
  var gantt = document.getElementById("gantt");
  var tools = document.getElementById("gantt-tools");
  if (gantt) { placeCalendar(gantt); }
  if (gantt && tools) {
    var scroller = document.getElementById("gantt-scroll");
    var buttons = tools.querySelectorAll("button[data-mode]");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        gantt.dataset.mode = button.dataset.mode;
        buttons.forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
          b.classList.toggle("fr-btn--secondary", b !== button);
        });
        scroller.scrollLeft = 0;
      });
    });
    var todayButton = document.getElementById("gantt-today");
    var todayMark = document.getElementById("gantt-today-mark");
    if (todayButton && todayMark) {
      todayButton.addEventListener("click", function () {
        // Today in the middle of the part of the box that the sticky names column leaves visible.
        var names = scroller.querySelector("thead .pvd-gantt__name");
        var table = scroller.querySelector("table");
        var x = todayMark.getBoundingClientRect().left + todayMark.offsetWidth / 2 - table.getBoundingClientRect().left;
        var visible = scroller.clientWidth - names.offsetWidth;
        scroller.scrollLeft = Math.max(0, x - names.offsetWidth - visible / 2);
      });
    }
    tools.hidden = false;
  }
  var points = data("points-data");
  var mapNode = document.getElementById("carte");
  if (mapNode && window.L) {
    var map = window.L.map(mapNode, { zoomControl: false });
    window.L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    // Leaflet's own prefix has an English title ("A JavaScript library for interactive maps").
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tiles = mapNode.dataset.tiles;
    if (tiles) { window.L.tileLayer(tiles, { attribution: mapNode.dataset.tilesAttribution || "", maxZoom: 19 }).addTo(map); }
    // The communes' outlines beneath the points (territoires/communes_layer.js), when imported.
    if (window.pvdCommunesLayer) { window.pvdCommunesLayer(map, mapNode.dataset.communes); }
    var markers = points.map(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.titre;
      return window.L.marker([p.lat, p.lng], { alt: p.titre, title: p.titre }).bindPopup(link);
    });
    if (markers.length) {
      var group = window.L.featureGroup(markers).addTo(map);
      map.fitBounds(group.getBounds().pad(0.2), { maxZoom: 15 });
    } else if (window.pvdOpenOn) {
      window.pvdOpenOn(map, mapNode, { center: [46.6, 2.4], zoom: 5 }); // the dossier's territory
    } else {
      map.setView([46.6, 2.4], 5);
    }
    document.getElementById("tab-carte").addEventListener("click", function () {
      setTimeout(function () { map.invalidateSize(); }, 50);
    });
    // Also when the tab is opened with the keyboard (DSFR's event on the panel).
    document.getElementById("panel-carte").addEventListener("dsfr.disclose", function () { map.invalidateSize(); });
  }
})();
