/* The cockpit's charts; every clickable mark leads to the list behind it. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cockpit-data").textContent);
  var L = JSON.parse(document.getElementById("cockpit-labels").textContent);
  var links = data.links || {};
  function go(base, extra) {
    if (!base) return;
    var sep = base.indexOf("?") >= 0 ? "&" : "?";
    window.location.href = base + (extra ? sep + extra : "");
  }
  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(option);
    if (onClick) c.on("click", onClick);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var grid = { left: 40, right: 16, top: 30, bottom: 28, containLabel: true };
  var useMonths = (data.weekly || []).length > 26;
  var trend = useMonths ? data.monthly : data.weekly;
  chart("chart-trend", {
    tooltip: { trigger: "axis" }, grid: grid,
    legend: { data: [L.received, L.closed], top: 0 },
    title: { text: useMonths ? L.month : L.week, right: 0, top: 0, textStyle: { fontSize: 11, fontWeight: "normal" } },
    xAxis: { type: "category", data: trend.map(function (r) { return r.p; }) },
    yAxis: { type: "value" },
    series: [
      { name: L.received, type: "line", smooth: true, data: trend.map(function (r) { return r.received; }) },
      { name: L.closed, type: "line", smooth: true, data: trend.map(function (r) { return r.closed; }) }
    ]
  }, function () { go(links.received); });
  var ranked = (data.ranking || []).filter(function (r) { return r.score !== null; });
  var top = ranked.slice(0, 5), bottom = ranked.length > 5 ? ranked.slice(-5) : [];
  var shown = top.concat(bottom.filter(function (r) { return top.indexOf(r) < 0; })).reverse();
  chart("chart-ranking", {
    tooltip: {}, grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: 100 },
    yAxis: { type: "category", data: shown.map(function (r) { return r.name; }) },
    series: [{ name: L.score, type: "bar", data: shown.map(function (r) {
      var red = ranked.length > 5 ? top.indexOf(r) >= 0 : ranked.indexOf(r) < Math.ceil(ranked.length / 2);
      return { value: r.score, id: r.id, itemStyle: { color: red ? "#c0392b" : "#333" } };
    }), label: { show: true, position: "right" } }]
  }, function (p) { go(links.ledger, "department=" + p.data.id); });
  var divs = data.by_division || [];
  chart("chart-division", {
    tooltip: { trigger: "axis" }, grid: grid, legend: { data: [L.received, L.overdue], top: 0 },
    xAxis: { type: "category", data: divs.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: divs.length > 6 ? 30 : 0 } },
    yAxis: { type: "value" },
    series: [
      { name: L.received, type: "bar", data: divs.map(function (r) { return { value: r.received, id: r.id }; }) },
      { name: L.overdue, type: "bar", itemStyle: { color: "#c0392b" }, data: divs.map(function (r) { return { value: r.overdue, id: r.id }; }) }
    ]
  }, function (p) { go(p.seriesIndex === 1 ? links.overdue : links.ledger); });
  var cats = data.by_category || [];
  chart("chart-category", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: cats.slice(0, 10).map(function (r) { return { name: r.name, value: r.received, id: r.id }; }) }]
  }, function (p) { if (p.data.id) go(links.ledger, "category=" + p.data.id); });
  var r = data.ratings || {};
  chart("chart-ratings", {
    tooltip: { trigger: "item" },
    series: [
      { type: "gauge", center: ["28%", "55%"], radius: "80%", min: 0, max: 100,
        detail: { formatter: "{value}%", fontSize: 16 }, progress: { show: true },
        data: [{ value: r.good_rate === null || r.good_rate === undefined ? 0 : Math.round(r.good_rate * 10000) / 100, name: L.good }] },
      { type: "pie", center: ["76%", "55%"], radius: ["30%", "60%"], label: { show: false },
        data: [{ name: L.good, value: r.good || 0 }, { name: L.basic, value: r.basic || 0 }, { name: L.bad, value: r.bad || 0, itemStyle: { color: "#c0392b" } }] }
    ]
  }, function (p) { go(p.name === L.bad ? links.bad : links.ratings); });
})();
