/* Draw each chart of a village page from the ECharts option embedded with json_script. */
(function () {
  "use strict";
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var script = document.getElementById(el.getAttribute("data-chart"));
    if (!script || typeof echarts === "undefined") { return; }
    el.style.height = "320px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(JSON.parse(script.textContent));
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
