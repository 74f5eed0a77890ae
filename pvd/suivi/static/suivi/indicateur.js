/* Draws the chart of one indicator with the vendored Chart.js. The canvas names (data-chart) the
   json_script element holding { unit, series: [{ key, label, points: [{ x, y, date }] }] }: x in
   days since 1970-01-01 on a linear axis, `date` the French date for ticks and tooltips. Labels
   reach Chart.js as plain strings drawn on the canvas, never as HTML. The table under the chart
   holds the same values. */
(function () {
  "use strict";
  var STYLES = {
    mesures: { color: "#000091", showLine: true, pointRadius: 4 },
    calcul: { color: "#18753C", showLine: true, pointRadius: 4, pointStyle: "rectRot" },
    trajectoire: { color: "#716043", showLine: true, pointRadius: 0, borderDash: [6, 4] },
    reference: { color: "#6E445A", showLine: false, pointRadius: 7, pointStyle: "triangle" },
    cible: { color: "#C9191E", showLine: false, pointRadius: 8, pointStyle: "star" },
  };
  var DAY_MS = 86400000;

  // One tick on the 1st of January of each year in view, labelled with the year.
  function yearTicks(axis) {
    var first = new Date(axis.min * DAY_MS).getUTCFullYear();
    var last = new Date(axis.max * DAY_MS).getUTCFullYear();
    var step = Math.max(1, Math.ceil((last - first) / 10));
    var ticks = [];
    for (var year = first; year <= last + 1; year += step) {
      var day = Date.UTC(year, 0, 1) / DAY_MS;
      if (day >= axis.min && day <= axis.max) {
        ticks.push({ value: day });
      }
    }
    if (ticks.length >= 2) {
      axis.ticks = ticks;
    }
  }

  function yearOf(days, index, ticks) {
    // Years when the ticks are on the 1st of January, else the month and year.
    var date = new Date(days * DAY_MS);
    if (date.getUTCMonth() === 0 && date.getUTCDate() === 1) {
      return String(date.getUTCFullYear());
    }
    return date.toLocaleDateString("fr-FR", { timeZone: "UTC", month: "short", year: "numeric" });
  }

  function frenchNumber(value, unit) {
    return value.toLocaleString("fr-FR", { maximumFractionDigits: 2 }) + (unit ? "\u00a0" + unit : "");
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: data.series.map(function (serie) {
          var style = STYLES[serie.key] || STYLES.mesures;
          return {
            label: serie.label,
            data: serie.points,
            showLine: style.showLine,
            borderColor: style.color,
            backgroundColor: style.color,
            pointRadius: style.pointRadius,
            pointStyle: style.pointStyle || "circle",
            borderDash: style.borderDash || [],
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: true, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + " : " + context.raw.date + ", " + frenchNumber(context.raw.y, data.unit);
              },
            },
          },
        },
        scales: {
          x: { type: "linear", afterBuildTicks: yearTicks, ticks: { callback: yearOf } },
          y: { ticks: { callback: function (value) { return frenchNumber(value, data.unit); } } },
        },
      },
    });
    canvas.dataset.drawn = "true";
  }

  function init() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
