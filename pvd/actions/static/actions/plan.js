// Calendar (frappe-gantt) and map (Leaflet) of the plan d'action; the tables are the no-JS fallback.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  }
  var tasks = data("gantt-data");
  var ganttNode = document.getElementById("gantt");
  if (ganttNode && tasks.length && window.Gantt) {
    try {
      // Decorative (the table below is the accessible calendar): French texts, no "Today" button.
      new window.Gantt(ganttNode, tasks, {
        view_mode: "Month",
        language: "fr",
        readonly: true,
        today_button: false,
        view_mode_select: false,
        popup: function (ctx) {
          var fmt = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric" });
          ctx.set_title(ctx.task.name);
          ctx.set_subtitle("");
          ctx.set_details(
            "Du " + fmt.format(ctx.task._start) + " au " + fmt.format(new Date(ctx.task._end.getTime() - 1000)) +
            "<br>Avancement : " + Math.round(ctx.task.progress) + " %"
          );
        }
      });
    } catch (e) {
      ganttNode.textContent = "";
    }
  }
  var points = data("points-data");
  var mapNode = document.getElementById("carte");
  if (mapNode && window.L) {
    var map = window.L.map(mapNode, { zoomControl: false });
    window.L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    var tiles = mapNode.dataset.tiles;
    if (tiles) { window.L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    var markers = points.map(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.titre;
      return window.L.marker([p.lat, p.lng], { alt: p.titre, title: p.titre }).bindPopup(link);
    });
    if (markers.length) {
      var group = window.L.featureGroup(markers).addTo(map);
      map.fitBounds(group.getBounds().pad(0.2), { maxZoom: 15 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    document.getElementById("tab-carte").addEventListener("click", function () {
      setTimeout(function () { map.invalidateSize(); }, 50);
    });
  }
})();
