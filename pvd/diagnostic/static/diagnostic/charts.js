/* Draws the charts of « Chiffres du territoire » with the vendored Chart.js. Each canvas names
   (data-chart) the json_script element that holds its data: { key, kind, unit, labels,
   series: [{ label, values }] }. Labels reach Chart.js as plain strings, drawn on the canvas:
   never inserted as HTML. The table under each chart holds the same values. */
(function () {
  "use strict";
  var COLOURS = ["#000091", "#C9191E", "#18753C", "#716043", "#6E445A", "#006A6F"];

  function frenchNumber(value, unit) {
    if (value === null || value === undefined) {
      return "non renseigné";
    }
    var digits = unit === "%" ? 1 : 0;
    var text = value.toLocaleString("fr-FR", { maximumFractionDigits: digits });
    return unit === "%" ? text + "\u00a0%" : text;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var horizontal = data.labels.length > 4 || data.labels.some(function (l) { return l.length > 18; });
    new Chart(canvas, {
      type: data.kind || "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (serie, i) {
          return {
            label: serie.label,
            data: serie.values,
            backgroundColor: COLOURS[i % COLOURS.length],
            borderColor: COLOURS[i % COLOURS.length],
          };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: data.series.length > 1 },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + " : " + frenchNumber(context.raw, data.unit);
              },
            },
          },
        },
        scales: (function () {
          var valueAxis = {
            beginAtZero: true,
            ticks: { callback: function (value) { return frenchNumber(value, data.unit); } },
          };
          return horizontal ? { x: valueAxis } : { y: valueAxis };
        })(),
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
