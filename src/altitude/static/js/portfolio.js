// Portfolio board: the value vs risk bubble chart (ECharts island; data from a JSON script element).
(function () {
  "use strict";
  var el = document.getElementById("value-risk");
  var source = document.getElementById("value-risk-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var points = JSON.parse(source.textContent);
  var shapes = ["circle", "diamond", "triangle", "rect", "roundRect", "pin"];
  var colours = ["#1f5fa8", "#b35c00", "#6a3d9a", "#1e6b3a", "#a4262c", "#444444"];
  var programs = [];
  points.forEach(function (p) { if (programs.indexOf(p.program) < 0) { programs.push(p.program); } });
  var maxBudget = Math.max.apply(null, points.map(function (p) { return p.budget; }).concat([1]));
  function size(budget) { return 14 + 46 * Math.sqrt(budget / maxBudget); }
  function money(v) { return Math.round(v).toLocaleString("en"); }
  var series = programs.map(function (name, i) {
    return {
      name: name, type: "scatter", symbol: shapes[i % shapes.length],
      itemStyle: { color: colours[i % colours.length], opacity: 0.8, borderColor: "#1b2430", borderWidth: 1 },
      label: { show: true, position: "top", formatter: function (d) { return d.data.code; }, color: "#1b2430" },
      data: points.filter(function (p) { return p.program === name; }).map(function (p) {
        return { value: [p.risk, p.benefits], code: p.code, name: p.name, budget: p.budget, url: p.url, symbolSize: size(p.budget) };
      })
    };
  });
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 72, right: 32, top: 48, bottom: 52 },
    legend: { top: 4, data: programs },
    tooltip: {
      renderMode: "richText",
      formatter: function (d) {
        return d.data.code + " " + d.data.name + "\nRisk exposure: " + d.data.value[0] +
          "\nExpected benefits: " + money(d.data.value[1]) + "\nBudget: " + money(d.data.budget);
      }
    },
    xAxis: { name: "Risk exposure (open threats, sum of P x I)", nameLocation: "middle", nameGap: 28, min: 0 },
    yAxis: { name: "Expected benefits", nameLocation: "middle", nameGap: 52, axisLabel: { formatter: function (v) { return (v / 1e6) + " M"; } } },
    series: series
  });
  el.dataset.rendered = String(points.length);
  chart.on("click", function (d) { if (d.data && d.data.url) { window.location.href = d.data.url; } });
  window.addEventListener("resize", function () { chart.resize(); });
  window.altitudeBubbleChart = chart;
})();
