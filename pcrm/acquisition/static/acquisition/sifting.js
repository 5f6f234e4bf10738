// Weekly progress of the book sifting page (Chart.js from the bundled assets).
(function () {
  "use strict";
  var data = document.getElementById("sifting-chart");
  var canvas = document.getElementById("sifting-canvas");
  if (!data || !canvas || !window.Chart) { return; }
  var chart = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [
        { type: "bar", label: "新确立", data: chart.new, backgroundColor: "#fca5a5" },
        { type: "line", label: "累计已确立", data: chart.total, borderColor: "#b91c1c" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false }
  });
})();
