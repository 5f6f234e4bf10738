// Wealth diagnosis: allocation vs model and the maturity ladder (data from json_script).
document.addEventListener("DOMContentLoaded", function () {
  var printer = document.querySelector("[data-print]");
  if (printer) { printer.addEventListener("click", function () { window.print(); }); }
  var source = document.getElementById("diagnosis-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var allocation = document.getElementById("allocation-chart");
  if (allocation) {
    new Chart(allocation, {
      type: "bar",
      data: { labels: data.levels, datasets: [
        { label: "实际占比", data: data.actual, backgroundColor: "#1d4ed8" },
        { label: "模型占比", data: data.model, backgroundColor: "#9ca3af" }
      ] },
      options: { scales: { y: { beginAtZero: true, max: 100 } } }
    });
  }
  var ladder = document.getElementById("ladder-chart");
  if (ladder) {
    new Chart(ladder, {
      type: "bar",
      data: { labels: data.ladder_labels, datasets: [{ label: "金额（元）", data: data.ladder, backgroundColor: "#0f766e" }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
    });
  }
});
