// Draw the score charts from data the pages embed with json_script:
// - "my score": the monthly totals of the year (score-trend-data → #scoreTrendChart), a line;
// - the ranking board: unit averages (unit-chart-data → #unitChart), bars, one colour per unit category (units
//   are ranked within their category), with a legend naming the categories;
// - a unit's page: its average over the periods (unit-chart-data → #unitChart), bars.
// The score axis comes from the server (appraisal.score_text.score_axis): from a multiple of 5 just under the
// lowest score to 100, whole-number ticks — an axis from 0 flattens the differences, one from the lowest value
// makes small gaps look huge.
(function () {
  if (typeof Chart === "undefined") return;

  const COLOURS = ["#2e75b6", "#c55a11", "#548235", "#7030a0", "#bf9000", "#1f4e79", "#833c0b"];

  function read(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function scoreScale(axis) {
    const scale = { beginAtZero: false, ticks: { precision: 0, font: { size: 12 } } };
    if (axis) {
      scale.min = axis.min;
      scale.max = axis.max;
      scale.ticks.stepSize = axis.step;
    }
    return scale;
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
          tension: 0,
        }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          y: scoreScale(trend.axis),
          // Months as "01", "02"…: the year is in the card's title, and the labels stay level on a phone.
          x: { ticks: { maxRotation: 0, autoSkip: true, callback: function (value) {
            const label = this.getLabelForValue(value);
            return /^\d{4}-\d{2}$/.test(label) ? label.slice(5) : label;
          } } },
        },
      },
    });
  }

  const units = read("unit-chart-data");
  const unitCanvas = document.getElementById("unitChart");
  if (units && unitCanvas && units.labels.length) {
    const horizontal = units.labels.length > 8;
    const series = units.series && units.series.length ? units.series : [{ label: "", data: units.averages }];
    new Chart(unitCanvas, {
      type: "bar",
      data: {
        labels: units.labels,
        datasets: series.map((s, i) => ({
          label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length],
          skipNull: true, grouped: false, maxBarThickness: 28,
        })),
      },
      options: {
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: { legend: { display: series.length > 1, position: "bottom" } },
        scales: horizontal
          ? { x: scoreScale(units.axis), y: { ticks: { autoSkip: false } } }
          : { y: scoreScale(units.axis), x: { ticks: { maxRotation: 0, autoSkip: false } } },
      },
    });
  }
})();
