// Draw the dashboard charts from data the page embeds with json_script.
(function () {
  const data = document.getElementById("rank-chart-data");
  const canvas = document.getElementById("rankChart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [{ data: chart.counts, backgroundColor: ["#1f4e79", "#2e75b6", "#9dc3e6"] }],
    },
    options: {
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
