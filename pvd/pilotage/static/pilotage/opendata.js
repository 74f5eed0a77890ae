// The map of the open-data page: the points of the published fiches, read from the very GeoJSON
// file the page offers for download (one source). User text goes into the popups as text nodes.
// Without JavaScript the map stays hidden; the table lists the same fiches.
(function () {
  "use strict";
  var node = document.getElementById("opendata-carte");
  if (!node || !window.L || !window.fetch) { return; }
  node.hidden = false;
  var map = L.map(node.querySelector(".pvd-opendata-map__map"), { scrollWheelZoom: false, zoomControl: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
  L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
  if (node.dataset.tilesUrl) {
    L.tileLayer(node.dataset.tilesUrl, { attribution: node.dataset.tilesAttribution || "", maxZoom: 19 }).addTo(map);
  }
  map.setView([46.6, 2.4], 5);

  function text(tag, value) {
    var element = document.createElement(tag);
    element.textContent = value;
    return element;
  }

  function popupFor(p) {
    var box = document.createElement("div");
    box.className = "pvd-opendata-popup";
    var title = text("p", p.titre || "");
    title.style.fontWeight = "bold";
    box.appendChild(title);
    box.appendChild(text("p", (p.communes || "") + " — " + (p.dossier || "")));
    box.appendChild(text("p", "Statut : " + (p.statut || "")));
    return box;
  }

  fetch(node.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var located = data.features.filter(function (f) { return f.geometry; });
      if (!located.length) { return; }
      var layer = L.geoJSON({ type: "FeatureCollection", features: located }, {
        pointToLayer: function (feature, latlng) {
          var title = feature.properties.titre || "";
          return L.marker(latlng, { title: title, alt: title });
        },
        onEachFeature: function (feature, marker) { marker.bindPopup(popupFor(feature.properties)); }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { maxZoom: 12, padding: [20, 20] });
    });
})();
