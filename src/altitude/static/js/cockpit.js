// Program cockpit: roadmap (ECharts custom series: project spans, milestones, links across
// projects) and budget by project. Data comes from JSON script elements; no inline styles
// (CSP): tooltips render as rich text on the canvas.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var DAY = 86400000;
  function day(s) { return s ? Date.parse(s + "T00:00:00Z") : null; }
  function money(v) { return Math.round(v).toLocaleString("en"); }

  function roadmap() {
    var el = document.getElementById("roadmap");
    var source = document.getElementById("roadmap-data");
    if (!el || !source) { return; }
    var data = JSON.parse(source.textContent);
    var codes = data.projects.map(function (p) { return p.code; });
    var bars = data.projects.filter(function (p) { return p.start && p.finish; }).map(function (p) {
      return { value: [codes.indexOf(p.code), day(p.start), day(p.finish) + DAY], name: p.code + " " + p.name,
               start: p.start, finish: p.finish, planned: p.planned_finish, url: p.url };
    });
    var milestones = data.milestones.filter(function (m) { return m.date && codes.indexOf(m.code) >= 0; }).map(function (m) {
      return { value: [day(m.date), codes.indexOf(m.code)], name: m.code + " " + m.name, date: m.date, critical: m.critical };
    });
    var links = data.links.filter(function (l) {
      return l.from_date && l.to_date && codes.indexOf(l.from) >= 0 && codes.indexOf(l.to) >= 0;
    }).map(function (l) {
      return { coords: [[day(l.from_date) + DAY, codes.indexOf(l.from)], [day(l.to_date), codes.indexOf(l.to)]],
               name: l.from + " → " + l.to };
    });
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 70, right: 24, top: 30, bottom: 40 },
      legend: { top: 0, data: ["Project span", "Milestone", "Link across projects"] },
      tooltip: {
        renderMode: "richText",
        formatter: function (d) {
          if (d.seriesName === "Project span") {
            return d.data.name + "\nScheduled " + d.data.start + " to " + d.data.finish +
              (d.data.planned ? "\nPlanned finish " + d.data.planned : "");
          }
          if (d.seriesName === "Milestone") { return d.data.name + "\n" + d.data.date + (d.data.critical ? " (critical)" : ""); }
          return d.data.name;
        }
      },
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", data: codes, inverse: true },
      series: [
        {
          name: "Project span", type: "custom", encode: { x: [1, 2], y: 0 },
          itemStyle: { color: "#1f5fa8" },
          renderItem: function (params, api) {
            var start = api.coord([api.value(1), api.value(0)]);
            var end = api.coord([api.value(2), api.value(0)]);
            var height = api.size([0, 1])[1] * 0.45;
            var rect = echarts.graphic.clipRectByRect(
              { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height },
              { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
            return rect && { type: "rect", shape: rect, style: { fill: "#9dbbe0", stroke: "#1f5fa8", lineWidth: 1 } };
          },
          data: bars
        },
        {
          name: "Milestone", type: "scatter", symbol: "diamond", symbolSize: 12, z: 3,
          itemStyle: { color: "#1b2430", borderColor: "#fff", borderWidth: 1 }, data: milestones
        },
        {
          name: "Link across projects", type: "lines", coordinateSystem: "cartesian2d", z: 4,
          lineStyle: { color: "#b35c00", width: 1.5, type: "dashed", curveness: 0.2 },
          symbol: ["none", "arrow"], symbolSize: 8, data: links
        }
      ]
    });
    el.dataset.rendered = String(bars.length);
    chart.on("click", function (d) { if (d.seriesName === "Project span" && d.data.url) { window.location.href = d.data.url; } });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function budget() {
    var el = document.getElementById("budget-chart");
    var source = document.getElementById("budget-data");
    if (!el || !source) { return; }
    var rows = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 70, right: 16, top: 36, bottom: 30 },
      legend: { top: 0, data: ["Budget", "Estimated cost"] },
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: money },
      xAxis: { type: "category", data: rows.map(function (r) { return r.code; }) },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return (v / 1e6) + " M"; } } },
      series: [
        { name: "Budget", type: "bar", itemStyle: { color: "#1f5fa8" }, data: rows.map(function (r) { return r.budget; }) },
        { name: "Estimated cost", type: "bar", itemStyle: { color: "#b35c00", decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [3, 5], rotation: -0.8, color: "rgba(255,255,255,0.6)" } },
          data: rows.map(function (r) { return r.cost; }) }
      ],
      aria: { enabled: true, decal: { show: true } }
    });
    el.dataset.rendered = String(rows.length);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() { roadmap(); budget(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
