// Calendar (frappe-gantt) and map (Leaflet) of the plan d'action; the tables are the no-JS fallback.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  }
  var tasks = data("gantt-data");
  var ganttNode = document.getElementById("gantt");
  var calendarPanel = document.getElementById("panel-calendrier");
  var COLUMN = 80; // px per quarter: a seven-year plan is about 2,500 px wide, not 17,000
  function parseDate(text) {
    var parts = text.split("-").map(Number);
    return new Date(parts[0], parts[1] - 1, parts[2]);
  }
  // A quarter per column (frappe-gantt 1.2 has no predefined quarter mode: a custom view mode object).
  // The chart starts one quarter before the first fiche, on a quarter's first day, so that each
  // column is a real quarter; no infinite padding (which adds 30 columns on each side).
  function quarterMode(first) {
    return {
      name: "Trimestre",
      padding: [(first.getMonth() % 3 + 3) + "m", "6m"],
      step: "3m",
      column_width: COLUMN,
      date_format: "YYYY-MM",
      lower_text: function (date) { return "T" + (Math.floor(date.getMonth() / 3) + 1); },
      upper_text: function (date, previous) {
        return !previous || date.getFullYear() !== previous.getFullYear() ? String(date.getFullYear()) : "";
      },
      thick_line: function (date) { return date.getMonth() === 0; }
    };
  }
  // Where the calendar opens: today if a fiche runs then, else the start of the fiche nearest to today.
  function target(today) {
    var best = null;
    var bestGap = Infinity;
    for (var i = 0; i < tasks.length; i++) {
      var start = parseDate(tasks[i].start);
      var end = parseDate(tasks[i].end);
      if (start <= today && today <= end) { return today; }
      var gap = Math.min(Math.abs(start - today), Math.abs(end - today));
      if (gap < bestGap) { bestGap = gap; best = start; }
    }
    return best;
  }
  function scrollTo(gantt) {
    var container = ganttNode.querySelector(".gantt-container");
    var date = target(new Date());
    if (!container || !date || !container.clientWidth) { return; }
    var start = gantt.gantt_start;
    var months = (date.getFullYear() - start.getFullYear()) * 12 + date.getMonth() - start.getMonth();
    // The date a third of the way in: what is running, with some of what came before.
    container.scrollLeft = Math.max(0, (months / 3) * COLUMN - container.clientWidth / 3);
  }
  if (ganttNode && tasks.length && window.Gantt) {
    try {
      var first = tasks.map(function (t) { return parseDate(t.start); }).reduce(function (a, b) { return a < b ? a : b; });
      var mode = quarterMode(first);
      // Decorative (the table below is the accessible calendar): French texts, no "Today" button.
      var gantt = new window.Gantt(ganttNode, tasks, {
        view_mode: mode.name,
        view_modes: [mode],
        infinite_padding: false,
        holidays: {},
        scroll_to: "start",
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
      scrollTo(gantt);
      // Hidden in its tab at load: scroll again each time the tab is shown (click, keyboard or DSFR).
      if (calendarPanel) {
        calendarPanel.addEventListener("dsfr.disclose", function () { scrollTo(gantt); });
      }
      var calendarTab = document.getElementById("tab-calendrier");
      if (calendarTab) {
        calendarTab.addEventListener("click", function () { setTimeout(function () { scrollTo(gantt); }, 50); });
      }
    } catch (e) {
      ganttNode.textContent = "";
    }
  }
  var points = data("points-data");
  var mapNode = document.getElementById("carte");
  if (mapNode && window.L) {
    var map = window.L.map(mapNode, { zoomControl: false });
    window.L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    // Leaflet's own prefix has an English title ("A JavaScript library for interactive maps").
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
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
    // Also when the tab is opened with the keyboard (DSFR's event on the panel).
    document.getElementById("panel-carte").addEventListener("dsfr.disclose", function () { map.invalidateSize(); });
  }
})();
