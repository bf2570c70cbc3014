// Draw the quarterly grades by unit as a stacked bar from data the page embeds with json_script.
(function () {
  const data = document.getElementById("quarterly-chart-data");
  const canvas = document.getElementById("quarterlyChart");
  if (!data || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(data.textContent);
  const colours = ["#198754", "#2e75b6", "#f0ad4e", "#dc3545"]; // 好, 较好, 一般, 较差
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: chart.datasets.map(function (set, i) {
        return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
      }),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
