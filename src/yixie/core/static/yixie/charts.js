/* 议协 charts: draws every element with a data-chart attribute with ECharts (docs/decisions/0010).
 *
 * Usage in a template (the option is an ECharts option object built in Python):
 *   {{ option|json_script:"my-chart-data" }}
 *   <div class="yx-chart" data-chart="my-chart-data" role="img" aria-label="…">图表需要 JavaScript；数据见表格。</div>
 *   {% block scripts %}{% include "core/charts_scripts.html" %}{% endblock %}
 *
 * Plain ES5 (old intranet browsers), no inline data in JavaScript strings, SVG renderer (sharp when printed).
 */
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", ' +
    '"WenQuanYi Micro Hei", "SimHei", sans-serif';
  var TEXT = "#212529";
  var MUTED = "#6c757d";
  var LINE = "#dee2e6";

  var THEME = {
    color: ["#9b1c1c", "#1f4e79", "#d08a1e", "#4f8f3a", "#6b4c9a", "#2a8c8c", "#adb5bd"],
    backgroundColor: "transparent",
    textStyle: { fontFamily: FONT, fontSize: 14, color: TEXT },
    title: { textStyle: { fontFamily: FONT, fontSize: 16, color: TEXT } },
    legend: { textStyle: { fontFamily: FONT, fontSize: 14, color: TEXT }, itemGap: 24 },
    tooltip: { textStyle: { fontFamily: FONT, fontSize: 14 } },
    categoryAxis: {
      axisLine: { lineStyle: { color: MUTED } },
      axisTick: { show: false },
      axisLabel: { fontFamily: FONT, fontSize: 14, color: TEXT, interval: 0 }
    },
    valueAxis: {
      axisLabel: { fontFamily: FONT, fontSize: 13, color: MUTED },
      nameTextStyle: { fontFamily: FONT, fontSize: 13, color: MUTED },
      splitLine: { lineStyle: { color: LINE } }
    },
    bar: { label: { fontFamily: FONT, fontSize: 13, color: TEXT } },
    pie: { label: { fontFamily: FONT, fontSize: 14, lineHeight: 20, color: TEXT } }
  };

  var charts = [];

  function render(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || el.getAttribute("data-chart-ready")) {
      return;
    }
    var option = JSON.parse(source.textContent);
    el.textContent = "";  // the no-script fallback text
    var chart = window.echarts.init(el, "yixie", { renderer: "svg", locale: "ZH" });
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "1");
    charts.push(chart);
  }

  function renderAll(root) {
    if (!window.echarts) {
      return;  // the library did not load: the fallback text and the table stay
    }
    var els = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) {
      render(els[i]);
    }
  }

  function resizeAll() {
    for (var i = 0; i < charts.length; i++) {
      charts[i].resize();
    }
  }

  if (window.echarts) {
    window.echarts.registerTheme("yixie", THEME);
  }
  window.yixieCharts = { render: renderAll, resize: resizeAll };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { renderAll(); });
  } else {
    renderAll();
  }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  // Charts inside content swapped in by htmx.
  document.addEventListener("htmx:afterSettle", function (e) { renderAll(e.target); });
})();
