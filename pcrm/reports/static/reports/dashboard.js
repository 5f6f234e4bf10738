// Dashboard charts (Chart.js bundled by django-unfold); a click drills into the list behind.
// Also serves other report pages (the satisfaction results): a root marked data-chart-root
// whose datasets carry their own links.
(function () {
  "use strict";
  var root = document.getElementById("dashboard") || document.querySelector("[data-chart-root]");
  var source = document.getElementById("report-charts");
  if (!root || !source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b91c1c", "#1d4ed8", "#15803d", "#b45309", "#7c3aed", "#0e7490"];

  function drillUrl(metric, dimension) {
    var query = new URLSearchParams({ start: root.dataset.start, end: root.dataset.end });
    if (dimension) { query.set("dim", dimension); }
    return root.dataset.drillBase + metric + "/?" + query.toString();
  }

  function target(chart, element) {
    var set = chart.data.datasets[element.datasetIndex];
    if (set.links) { return set.links[element.index]; }
    if (!set.drill) { return null; }
    var dimension = set.dimensions ? set.dimensions[element.index] : set.dimension;
    return drillUrl(set.drill, dimension || "");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var chartData = data[canvas.dataset.chart];
    if (!chartData || !chartData.labels.length) {
      canvas.parentElement.classList.add("muted");
      canvas.replaceWith(document.createTextNode(canvas.getAttribute("aria-label") + "：—"));
      return;
    }
    chartData.datasets.forEach(function (set, i) {
      set.borderColor = palette[i % palette.length];
      set.backgroundColor = palette[i % palette.length];
      set.spanGaps = true;
    });
    canvas.setAttribute("role", "img");
    new window.Chart(canvas, {
      type: canvas.dataset.kind || "line",
      data: chartData,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { title: { display: true, text: canvas.getAttribute("aria-label") } },
        onClick: function (event, elements, chart) {
          if (!elements.length) { return; }
          var url = target(chart, elements[0]);
          if (url) { window.location.assign(url); }
        },
      },
    });
  });
})();
