// The outlines of a dossier's communes beneath the other layers of a Leaflet map, read from the
// GeoJSON that the page writes with json_script (territoires.selectors.communes_geojson). Used by
// the maps of the strategy (strategie/map.js) and of the plan d'action (actions/*.js).
(function () {
  "use strict";
  // Dark grey, dashed: the legend's swatch (core/pvd.css, .pvd-legend__swatch--commune).
  var STYLE = {
    color: "#3a3a3a", weight: 2, dashArray: "6 4", fillColor: "#3a3a3a", fillOpacity: 0.04,
    className: "pvd-commune-outline",
  };

  // A commune's name is data: the tooltip gets a node holding it as text, never HTML.
  function labelFor(properties) {
    var node = document.createElement("span");
    node.textContent = (properties.nom || "") + (properties.code ? " (" + properties.code + ")" : "");
    return node;
  }

  // Adds the layer of the json_script `id` to `map` and returns it, or null when there is no outline.
  // Call it before adding the other layers: in the same pane (a lower pane would not get the mouse
  // through the overlay pane's SVG), the paths are drawn in order, so the outlines stay beneath.
  window.pvdCommunesLayer = function (map, id) {
    var node = id ? document.getElementById(id) : null;
    var data = node ? JSON.parse(node.textContent) : null;
    if (!data || !data.features || !data.features.length) { return null; }
    var layer = window.L.geoJSON(data, {
      style: function () { return STYLE; },
      pmIgnore: true, // never edited by the sector editor (leaflet-geoman)
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(labelFor(feature.properties || {}), { sticky: true, className: "pvd-commune-tooltip" });
      },
    }).addTo(map);
    layer.bringToBack();
    return layer;
  };

  // Opens `map` on the bounds the server wrote in data-bounds ([[south, west], [north, east]]), or
  // on `fallback` ({center, zoom}) when there are none.
  window.pvdOpenOn = function (map, element, fallback) {
    var bounds = null;
    try { bounds = JSON.parse(element.dataset.bounds || "null"); } catch (error) { bounds = null; }
    if (bounds) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView(fallback.center, fallback.zoom); }
  };
})();
