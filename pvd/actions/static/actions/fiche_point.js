// The point of a fiche on a Leaflet map. On the fiche form, a click sets the latitude and
// longitude boxes (which stay, and are all there is without JavaScript); on the fiche page,
// the map only shows the point.
(function () {
  "use strict";
  var node = document.getElementById("carte-point");
  if (!node || !window.L) { return; }
  var editable = node.dataset.editable === "1";
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  if (editable && lng) {
    // Shown right after the coordinates, where it is used.
    var group = lng.closest(".fr-input-group") || lng.parentNode;
    group.parentNode.insertBefore(node.parentNode.removeChild(node), group.nextSibling);
  }
  node.hidden = false;
  function read() {
    var a = editable ? parseFloat((lat.value || "").replace(",", ".")) : parseFloat(node.dataset.lat);
    var b = editable ? parseFloat((lng.value || "").replace(",", ".")) : parseFloat(node.dataset.lng);
    return isNaN(a) || isNaN(b) ? null : [a, b];
  }
  var map = window.L.map(node.querySelector(".carte-point__map"), { zoomControl: false });
  window.L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
  // Leaflet's own prefix has an English title ("A JavaScript library for interactive maps").
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (node.dataset.tiles) {
    window.L.tileLayer(node.dataset.tiles, { attribution: node.dataset.tilesAttribution || "", maxZoom: 19 }).addTo(map);
  }
  // The communes' outlines beneath the point (territoires/communes_layer.js), when imported.
  if (window.pvdCommunesLayer) { window.pvdCommunesLayer(map, node.dataset.communes); }
  var marker = null;
  function place(point) {
    if (!point) { return; }
    if (marker) { marker.setLatLng(point); } else {
      marker = window.L.marker(point, { alt: "Point de la fiche", title: "Point de la fiche" }).addTo(map);
    }
  }
  var start = read();
  if (start) {
    place(start);
    map.setView(start, 15);
  } else if (node.dataset.centerLat) {
    map.setView([parseFloat(node.dataset.centerLat), parseFloat(node.dataset.centerLng)], 13);
  } else if (window.pvdOpenOn) {
    window.pvdOpenOn(map, node, { center: [46.6, 2.4], zoom: 5 }); // the dossier's territory, else France
  } else {
    map.setView([46.6, 2.4], 5);
  }
  if (!editable) { return; }
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.wrap().lng.toFixed(6);
    place([parseFloat(lat.value), parseFloat(lng.value)]);
  });
  [lat, lng].forEach(function (input) {
    input.addEventListener("change", function () { place(read()); });
  });
})();
