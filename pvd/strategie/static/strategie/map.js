// Maps of the strategy: read-only sector maps and the sector editor (Leaflet + geoman).
// Without JavaScript, the tables and the GeoJSON text field carry the same information.
(function () {
  "use strict";
  var COLORS = { perimetre_ort: "#000091", secteur_prioritaire: "#e1000f", autre: "#6a6af4" };
  var FRANCE = [46.6, 2.4];

  // Without a sector to fit, open on the dossier's territory (data-bounds, from the server: its
  // communes' outlines, else its EPCI's), else on mainland France.
  function openOnTerritory(map, element) {
    var bounds = null;
    try { bounds = JSON.parse(element.dataset.bounds || "null"); } catch (error) { bounds = null; }
    if (bounds) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView(FRANCE, 6); }
  }

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
    // Leaflet's own prefix carries an English tooltip: a plain link reads the same in French.
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    var url = element.dataset.tilesUrl;
    if (url) {
      L.tileLayer(url, { attribution: element.dataset.tilesAttribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  // A sector's name is user text: the tooltip gets a node holding it as text, never HTML
  // (Leaflet puts a string given to bindTooltip in the page with innerHTML).
  function tooltipFor(properties) {
    var node = document.createElement("span");
    node.textContent = (properties.nom || "") + (properties.type ? " — " + properties.type : "");
    return node;
  }

  function styleFor(feature) {
    var kind = feature && feature.properties ? feature.properties.kind : "autre";
    return { color: COLORS[kind] || COLORS.autre, weight: 2, fillOpacity: kind === "perimetre_ort" ? 0.08 : 0.25 };
  }

  // The communes' outlines beneath the sectors (territoires/communes_layer.js), when imported.
  function communes(map, element) {
    return window.pvdCommunesLayer ? window.pvdCommunesLayer(map, element.dataset.communes) : null;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function showSectors(element) {
    var data = readJson(element.dataset.secteursMap);
    var map = baseMap(element);
    communes(map, element);
    var layer = L.geoJSON(data, {
      style: styleFor,
      onEachFeature: function (feature, item) {
        item.bindTooltip(tooltipFor(feature.properties || {}));
      },
    }).addTo(map);
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [20, 20] }); } else { openOnTerritory(map, element); }
  }

  function editor(element) {
    var textarea = document.getElementById(element.dataset.secteurEditor);
    if (!textarea) { return; }
    var map = baseMap(element);
    communes(map, element);
    var others = L.geoJSON(readJson(element.dataset.others), {
      style: function () { return { color: "#666", weight: 1, fillOpacity: 0.1, dashArray: "4" }; },
      onEachFeature: function (feature, item) { item.bindTooltip(tooltipFor(feature.properties || {})); },
      pmIgnore: true,
    }).addTo(map);
    var drawn = L.featureGroup().addTo(map);

    function load() {
      drawn.clearLayers();
      var text = textarea.value.trim();
      if (!text) { return; }
      try {
        L.geoJSON(JSON.parse(text), { style: { color: "#000091", weight: 2 } }).eachLayer(function (layer) { drawn.addLayer(layer); });
      } catch (error) { /* the server explains invalid GeoJSON on submit */ }
    }

    function write() {
      var polygons = [];
      drawn.eachLayer(function (layer) {
        var geometry = layer.toGeoJSON().geometry;
        if (geometry.type === "Polygon") { polygons.push(geometry.coordinates); }
        if (geometry.type === "MultiPolygon") { polygons = polygons.concat(geometry.coordinates); }
      });
      if (!polygons.length) { textarea.value = ""; return; }
      var geometry = polygons.length === 1 ? { type: "Polygon", coordinates: polygons[0] } : { type: "MultiPolygon", coordinates: polygons };
      textarea.value = JSON.stringify(geometry);
    }

    function watch(layer) { layer.on("pm:edit pm:update pm:dragend pm:cut", write); }

    load();
    drawn.eachLayer(watch);
    if (drawn.getLayers().length) { map.fitBounds(drawn.getBounds(), { padding: [20, 20] }); }
    else if (others.getLayers().length) { map.fitBounds(others.getBounds(), { padding: [20, 20] }); }
    else { openOnTerritory(map, element); }

    if (map.pm) {
      map.pm.setLang("fr");
      map.pm.addControls({
        position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
        drawText: false, drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, cutPolygon: true,
        removalMode: true, rotateMode: false,
      });
      // Geoman's buttons are links whose name is only on their parent's title: give them an accessible name.
      map.getContainer().querySelectorAll(".button-container[title] > .leaflet-buttons-control-button").forEach(
        function (button) { button.setAttribute("aria-label", button.parentElement.getAttribute("title")); }
      );
      map.pm.setGlobalOptions({
        allowSelfIntersection: false, layerGroup: drawn, pathOptions: { color: "#000091", weight: 2 },
      });
      map.on("pm:create", function (event) { drawn.addLayer(event.layer); watch(event.layer); write(); });
      map.on("pm:remove", function (event) { drawn.removeLayer(event.layer); write(); });
      map.on("pm:cut", function (event) {
        if (event.originalLayer) { drawn.removeLayer(event.originalLayer); }
        drawn.addLayer(event.layer); watch(event.layer); write();
      });
    }
    textarea.addEventListener("change", function () { load(); drawn.eachLayer(watch); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-secteurs-map]").forEach(showSectors);
    document.querySelectorAll("[data-secteur-editor]").forEach(editor);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
