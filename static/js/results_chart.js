// The count of officials on each list, as bars (data from json_script above).
(function () {
  const data = document.getElementById("results-chart-data");
  const canvas = document.getElementById("resultsChart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: chart.labels, datasets: [{ data: chart.counts,
      backgroundColor: ["#198754", "#0f5132", "#ffc107", "#fd7e14", "#dc3545"] }] },
    options: {
      animation: false,
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
