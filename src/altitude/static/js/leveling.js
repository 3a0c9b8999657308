// Levelling preview: one load chart per over-allocated resource (ECharts island; data from
// the "leveling-charts-data" JSON script). Peak load per day or week before levelling (grey),
// after (blue) and the capacity (red), in percent of one full-time unit. No inline styles
// (CSP): tooltips render as rich text.
(function () {
  "use strict";
  var source = document.getElementById("leveling-charts-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var unit = data.days_per_period === 7 ? "Week of " : "";
  function line(name, values, colour, dashed) {
    return {
      name: name, type: "line", step: "end", showSymbol: false, connectNulls: false, data: values,
      lineStyle: { color: colour, width: dashed ? 1.5 : 2, type: dashed ? "dashed" : "solid" },
      itemStyle: { color: colour }
    };
  }
  data.charts.forEach(function (chart, i) {
    var el = document.getElementById("load-chart-" + i);
    if (!el) { return; }
    var view = echarts.init(el, null, { renderer: "svg" });
    view.setOption({
      animation: false,
      grid: { left: 48, right: 12, top: 28, bottom: 28 },
      legend: { top: 0, data: ["Before", "After", "Capacity"] },
      tooltip: {
        trigger: "axis", renderMode: "richText",
        formatter: function (items) {
          var lines = [unit + items[0].axisValue];
          items.forEach(function (d) { lines.push(d.seriesName + ": " + (d.value === null ? "no work time" : d.value + " %")); });
          return lines.join("\n");
        }
      },
      xAxis: { type: "category", data: data.periods, boundaryGap: false },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value} %" } },
      series: [
        line("Before", chart.before, "#8a8f98", true),
        line("After", chart.after, "#1f5fa8", false),
        line("Capacity", chart.capacity, "#a4262c", false)
      ]
    });
    el.dataset.rendered = String(data.periods.length);
    window.addEventListener("resize", function () { view.resize(); });
  });
})();
