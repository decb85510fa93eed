// The project page's approval-chain timeline: one bar per stage from its first
// submission to its last approval (to today while in progress), on a time axis.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("chain-chart");
    var source = document.getElementById("chain-data");
    if (!el || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data.bars.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el);
    var narrow = el.clientWidth < 560;
    chart.setOption({
      grid: { left: narrow ? 8 : 16, right: 16, top: 10, bottom: 30, containLabel: true },
      tooltip: {
        formatter: function (p) {
          var b = p.data.bar;
          return data.stages[b.stage] + "<br>" + b.label + "<br>" + b.days + " 天";
        }
      },
      xAxis: { type: "time", axisLabel: { hideOverlap: true, formatter: "{yyyy}年{M}月" } },
      yAxis: {
        type: "category", inverse: true, data: data.stages,
        axisLabel: { interval: 0, width: narrow ? 96 : 220, overflow: narrow ? "break" : "truncate", fontSize: narrow ? 11 : 12 }
      },
      series: [{
        type: "custom",
        renderItem: function (params, api) {
          var y = api.value(0);
          var start = api.coord([api.value(1), y]);
          var end = api.coord([api.value(2), y]);
          var height = api.size([0, 1])[1] * 0.55;
          return {
            type: "rect",
            shape: { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 3), height: height },
            style: { fill: api.value(3) ? "#2e7d32" : "#ef6c00" }
          };
        },
        encode: { x: [1, 2], y: 0 },
        data: data.bars.map(function (b) {
          return { value: [b.stage, b.start, b.end, b.done ? 1 : 0], bar: b };
        })
      }, {
        type: "line", data: [], markLine: {
          symbol: "none", label: { formatter: "今天" }, lineStyle: { color: "#999", type: "dashed" },
          data: [{ xAxis: data.now }]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else { draw(); }
}());
