// Complaint analytics: a bar chart of cases by category (data from the json_script block).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("category-data");
  var canvas = document.getElementById("by-category");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "投诉数", data: data.counts, backgroundColor: "#b91c1c" }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
});
