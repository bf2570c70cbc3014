// Draw the unit training report's chart of hours by month from data embedded with json_script.
(function () {
  const data = document.getElementById("training-month-data");
  const canvas = document.getElementById("trainingMonthChart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: chart.labels, datasets: [{ label: chart.label, data: chart.hours, backgroundColor: "#2e75b6" }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true } },
    },
  });
})();
