// Draw the score charts from data the pages embed with json_script:
// - "my score": the monthly totals of the year (score-trend-data → #scoreTrendChart), a line;
// - the ranking board and a unit's page: unit averages (unit-chart-data → #unitChart), bars.
(function () {
  if (typeof Chart === "undefined") return;

  function read(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  const trend = read("score-trend-data");
  const trendCanvas = document.getElementById("scoreTrendChart");
  if (trend && trendCanvas && trend.labels.length) {
    new Chart(trendCanvas, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [{
          data: trend.totals,
          borderColor: "#1f4e79",
          backgroundColor: "#1f4e79",
          // A provisional month (the period is still open) is drawn hollow.
          pointBackgroundColor: trend.provisional.map((p) => (p ? "#ffffff" : "#1f4e79")),
          pointRadius: 4,
          tension: 0.2,
        }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { suggestedMin: 60, suggestedMax: 100 } },
      },
    });
  }

  const units = read("unit-chart-data");
  const unitCanvas = document.getElementById("unitChart");
  if (units && unitCanvas && units.labels.length) {
    new Chart(unitCanvas, {
      type: "bar",
      data: { labels: units.labels, datasets: [{ data: units.averages, backgroundColor: "#2e75b6" }] },
      options: {
        animation: false,
        indexAxis: units.labels.length > 8 ? "y" : "x",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: false }, y: { beginAtZero: false } },
      },
    });
  }
})();
