/* Draw each chart of the programs pages from the ECharts option embedded with json_script. */
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var script = document.getElementById(el.getAttribute("data-chart"));
    if (!script || typeof echarts === "undefined") { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(JSON.parse(script.textContent));
    charts.push(chart);
    el.setAttribute("data-ready", "1");
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
