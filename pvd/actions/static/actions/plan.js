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
  function parseDate(text) {
    var parts = text.split("-").map(Number);
    return new Date(parts[0], parts[1] - 1, parts[2]);
  }
  function yearOnChange(date, previous) {
    return !previous || date.getFullYear() !== previous.getFullYear() ? String(date.getFullYear()) : "";
  }
  var monthName = new Intl.DateTimeFormat("fr-FR", { month: "short" });
  // frappe-gantt 1.2's own modes have English names and a 17,000 px padding (infinite_padding):
  // two French modes of our own, by month (the default) and by quarter, without it. `months` is
  // the number of months per column and `width` its width in px, used to scroll to a date.
  function modes(first) {
    return [
      {
        name: "Mois",
        months: 1,
        padding: ["2m", "3m"],
        step: "1m",
        column_width: 48,
        date_format: "YYYY-MM",
        lower_text: function (date) { return monthName.format(date); },
        upper_text: yearOnChange,
        thick_line: function (date) { return date.getMonth() === 0; }
      },
      {
        // The chart starts one quarter before the first fiche, on a quarter's first day, so that
        // each column is a real quarter.
        name: "Trimestre",
        months: 3,
        padding: [(first.getMonth() % 3 + 3) + "m", "6m"],
        step: "3m",
        column_width: 80,
        date_format: "YYYY-MM",
        lower_text: function (date) { return "T" + (Math.floor(date.getMonth() / 3) + 1); },
        upper_text: yearOnChange,
        thick_line: function (date) { return date.getMonth() === 0; }
      }
    ];
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
    // The chart is aria-hidden (the table below is the accessible calendar) but scrolls with the
    // mouse: its scroll box, which Chromium makes focusable, stays out of the tab order.
    if (container) { container.setAttribute("tabindex", "-1"); }
    var date = target(new Date());
    if (!container || !date || !container.clientWidth) { return; }
    var mode = gantt.config.view_mode;
    var start = gantt.gantt_start;
    var months = (date.getFullYear() - start.getFullYear()) * 12 + date.getMonth() - start.getMonth();
    // The date a third of the way in: what is running, with some of what came before.
    container.scrollLeft = Math.max(0, (months / mode.months) * mode.column_width - container.clientWidth / 3);
  }
  if (ganttNode && tasks.length && window.Gantt) {
    try {
      var first = tasks.map(function (t) { return parseDate(t.start); }).reduce(function (a, b) { return a < b ? a : b; });
      var viewModes = modes(first);
      // Decorative (the table below is the accessible calendar): French texts, no "Today" button.
      var gantt = new window.Gantt(ganttNode, tasks, {
        view_mode: viewModes[0].name,
        view_modes: viewModes,
        infinite_padding: false,
        holidays: {},
        scroll_to: "start",
        language: "fr",
        readonly: true,
        today_button: false,
        view_mode_select: false,
        popup: function (ctx) {
          var fmt = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric" });
          ctx.set_title(ctx.task.title);
          ctx.set_subtitle("");
          ctx.set_details(
            "Du " + fmt.format(ctx.task._start) + " au " + fmt.format(new Date(ctx.task._end.getTime() - 1000)) +
            "<br>Avancement : " + Math.round(ctx.task.progress) + " %"
          );
        }
      });
      scrollTo(gantt);
      // The choice of scale: buttons outside the (aria-hidden) chart, shown once it is drawn.
      var switcher = document.getElementById("gantt-modes");
      if (switcher) {
        var buttons = switcher.querySelectorAll("button[data-mode]");
        buttons.forEach(function (button) {
          button.addEventListener("click", function () {
            gantt.change_view_mode(button.dataset.mode);
            buttons.forEach(function (b) {
              b.setAttribute("aria-pressed", String(b === button));
              b.classList.toggle("fr-btn--secondary", b !== button);
            });
            scrollTo(gantt);
          });
        });
        switcher.hidden = false;
      }
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
    if (tiles) { window.L.tileLayer(tiles, { attribution: mapNode.dataset.tilesAttribution || "", maxZoom: 19 }).addTo(map); }
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
