// The diagnostic's map (Leaflet): the communes' and the EPCI's outlines and the points and areas
// of interest, each type with its colour and its letter; and the editor of one point or area
// (leaflet-geoman), which fills the form's fields. Without JavaScript, the table of points and
// the form's fields (latitude and longitude, or GeoJSON) carry the same information.
// User text (names, descriptions) goes into the page as text nodes, never as HTML.
(function () {
  "use strict";
  var FRANCE = [46.6, 2.4];
  var DRAWING = { color: "#000091", weight: 3, fillOpacity: 0.2 };

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
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

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = value;
    return node;
  }

  function title(properties) {
    return (properties.nom || "") + (properties.type ? " — " + properties.type : "");
  }

  function popupFor(properties) {
    var node = document.createElement("div");
    node.appendChild(text("p", "pvd-carte-popup__nom", properties.nom || ""));
    node.appendChild(text("p", "pvd-carte-popup__type", properties.type || ""));
    if (properties.description) { node.appendChild(text("p", "pvd-carte-popup__description", properties.description)); }
    return node;
  }

  function styleOf(styles, kind) {
    return styles[kind] || styles.autre || { color: "#3a3a3a", letter: "?" };
  }

  function markerIcon(style) {
    var badge = text("span", "pvd-carte-badge", style.letter);
    badge.style.backgroundColor = style.color;
    badge.setAttribute("aria-hidden", "true");
    return L.divIcon({ className: "pvd-carte-marker", html: badge, iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14], tooltipAnchor: [14, 0] });
  }

  // The points and areas of interest: a lettered marker for a point (focusable, named by its
  // title, its popup opened with Enter); an area is a polygon of its type's colour with the same
  // marker at its centre (so that the letter, not only the colour, tells its type, and the
  // keyboard reaches it). In the editor (`quiet`), the other points are only shown: a click on
  // them places the new point.
  function pointsLayer(layers, options) {
    var styles = layers.styles || {};
    var group = L.featureGroup();

    function marker(latlng, properties) {
      var item = L.marker(latlng, {
        icon: markerIcon(styleOf(styles, properties.kind)), title: title(properties), pmIgnore: true,
        interactive: !options.quiet, keyboard: !options.quiet,
      });
      if (!options.quiet) {
        item.bindTooltip(text("span", "", title(properties)));
        item.bindPopup(popupFor(properties));
      }
      return item;
    }

    L.geoJSON(layers.points, {
      pmIgnore: true,
      interactive: !options.quiet,
      pointToLayer: function (feature, latlng) { return marker(latlng, feature.properties || {}); },
      style: function (feature) {
        var style = styleOf(styles, (feature.properties || {}).kind);
        return { color: style.color, weight: 2, fillOpacity: options.quiet ? 0.1 : 0.25 };
      },
      onEachFeature: function (feature, item) {
        var properties = feature.properties || {};
        if (item instanceof L.Marker) { group.addLayer(item); return; }
        if (!options.quiet) {
          item.bindTooltip(text("span", "", title(properties)));
          item.bindPopup(popupFor(properties));
        }
        group.addLayer(item);
        group.addLayer(marker(item.getBounds().getCenter(), properties));
      },
    });
    return group;
  }

  // The outlines of the territory: drawn under the points, not interactive.
  function outlines(layers) {
    return {
      epci: L.geoJSON(layers.epci, { interactive: false, pmIgnore: true, style: { color: "#161616", weight: 3, fill: false } }),
      communes: L.geoJSON(layers.communes, { interactive: false, pmIgnore: true, style: { color: "#666", weight: 2, dashArray: "6 4", fillOpacity: 0.04 } }),
    };
  }

  // Open on the points; else on the communes; else on the EPCI; else on mainland France.
  function fit(map, groups) {
    for (var index = 0; index < groups.length; index++) {
      var bounds = groups[index].getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [32, 32], maxZoom: 16 });
        return;
      }
    }
    map.setView(FRANCE, 6);
  }

  function showMap(element) {
    var layers = readJson(element.dataset.diagnosticCarte);
    var map = baseMap(element);
    var shapes = outlines(layers);
    shapes.epci.addTo(map);
    shapes.communes.addTo(map);
    var points = pointsLayer(layers, { quiet: false }).addTo(map);
    fit(map, [points, shapes.communes, shapes.epci]);
  }

  // --- The editor of one point or area ---------------------------------------------------------

  function editor(element) {
    var lat = document.getElementById("id_latitude");
    var lng = document.getElementById("id_longitude");
    var geometry = document.getElementById("id_geometry");
    if (!lat || !lng || !geometry) { return; }
    var block = document.getElementById("carte-editeur");
    if (block) { block.hidden = false; }
    var layers = readJson(element.dataset.pointEditor);
    var map = baseMap(element);
    var shapes = outlines(layers);
    shapes.epci.addTo(map);
    shapes.communes.addTo(map);
    var others = pointsLayer(layers, { quiet: true }).addTo(map);
    var drawn = L.featureGroup().addTo(map);

    function number(input) {
      var value = parseFloat((input.value || "").replace(",", "."));
      return isNaN(value) ? null : value;
    }

    function addMarker(latlng) {
      drawn.addLayer(L.marker(latlng, { title: "Point en cours de saisie", alt: "Point en cours de saisie" }));
    }

    function load() {
      drawn.clearLayers();
      var a = number(lat), b = number(lng);
      if (a !== null && b !== null) { addMarker([a, b]); return; }
      var value = geometry.value.trim();
      if (!value) { return; }
      try {
        L.geoJSON(JSON.parse(value), {
          style: DRAWING,
          pointToLayer: function (feature, latlng) { return L.marker(latlng, { title: "Point en cours de saisie", alt: "Point en cours de saisie" }); },
        }).eachLayer(function (layer) { drawn.addLayer(layer); });
      } catch (error) { /* the server explains an invalid GeoJSON on submit */ }
    }

    // The drawn layers → the form: a marker fills the latitude and longitude, areas the GeoJSON.
    function write() {
      var polygons = [];
      var marker = null;
      drawn.eachLayer(function (layer) {
        if (layer instanceof L.Marker) { marker = layer; return; }
        var shape = layer.toGeoJSON().geometry;
        if (shape.type === "Polygon") { polygons.push(shape.coordinates); }
        if (shape.type === "MultiPolygon") { polygons = polygons.concat(shape.coordinates); }
      });
      if (marker) {
        var point = marker.getLatLng();
        lat.value = point.lat.toFixed(6);
        lng.value = point.wrap().lng.toFixed(6);
        geometry.value = "";
        return;
      }
      lat.value = "";
      lng.value = "";
      if (!polygons.length) { geometry.value = ""; return; }
      var shape = polygons.length === 1 ? { type: "Polygon", coordinates: polygons[0] } : { type: "MultiPolygon", coordinates: polygons };
      geometry.value = JSON.stringify(shape);
    }

    function watch(layer) { layer.on("pm:edit pm:update pm:dragend pm:cut", write); }

    load();
    drawn.eachLayer(watch);
    if (drawn.getLayers().length) {
      var bounds = drawn.getBounds();
      map.fitBounds(bounds.pad(0.5), { maxZoom: 16 });
    } else {
      fit(map, [others, shapes.communes, shapes.epci]);
    }

    if (map.pm) {
      map.pm.setLang("fr");
      map.pm.addControls({
        position: "topleft", drawMarker: true, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
        drawText: false, drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, cutPolygon: false,
        removalMode: true, rotateMode: false,
      });
      // Geoman's buttons are links whose name is only on their parent's title: give them an accessible name.
      map.getContainer().querySelectorAll(".button-container[title] > .leaflet-buttons-control-button").forEach(
        function (button) { button.setAttribute("aria-label", button.parentElement.getAttribute("title")); }
      );
      map.pm.setGlobalOptions({ allowSelfIntersection: false, layerGroup: drawn, pathOptions: DRAWING });
      map.on("pm:create", function (event) {
        // One point, or areas: a new marker replaces everything, a new area replaces a marker.
        var isMarker = event.layer instanceof L.Marker;
        drawn.eachLayer(function (layer) {
          if (layer !== event.layer && (isMarker || layer instanceof L.Marker)) { drawn.removeLayer(layer); }
        });
        drawn.addLayer(event.layer);
        watch(event.layer);
        write();
      });
      map.on("pm:remove", function (event) { drawn.removeLayer(event.layer); write(); });
    }
    [lat, lng, geometry].forEach(function (input) {
      input.addEventListener("change", function () { load(); drawn.eachLayer(watch); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-diagnostic-carte]").forEach(showMap);
    document.querySelectorAll("[data-point-editor]").forEach(editor);
  });
})();
