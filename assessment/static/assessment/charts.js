// Charts of the assessment pages, drawn with the vendored Apache ECharts (no CDN).
// Each chart's numbers come from a <script type="application/json"> the page rendered, and the same
// numbers are in the table beside it: without JavaScript (or with the "Table" button) the table shows.
(function () {
  "use strict";
  var echarts = window.echarts;
  if (!echarts) { return; }
  var english = (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
  var palette = ["#b3261e", "#0b57d0", "#1a7f37", "#9a6700", "#6a3fb5", "#00838f", "#5b636d"];
  var drawn = [];

  function narrow(el) { return el.clientWidth < 560; }

  function format(value, spec) {
    if (value === null || value === undefined) { return "–"; }
    var text = Number(value).toLocaleString(english ? "en" : "zh-CN", { maximumFractionDigits: 2 });
    return spec.percent ? text + "%" : text;
  }

  function option(spec, el) {
    var small = narrow(el);
    // On a phone a bar chart of many units turns sideways, so each unit's name has a line of its own.
    var sideways = spec.type === "bar" && small && spec.categories.length > 3;
    var categories = {
      type: "category",
      data: spec.categories,
      inverse: sideways,
      axisLabel: {
        interval: spec.type === "line" ? "auto" : 0,
        fontSize: small ? 11 : 12,
        rotate: !sideways && spec.categories.length > (small ? 4 : 8) ? 40 : 0,
        width: sideways ? 96 : 80,
        overflow: "truncate"
      }
    };
    var values = {
      type: "value",
      name: spec.unit || "",
      max: spec.percent ? 100 : null,
      axisLabel: { fontSize: small ? 11 : 12, formatter: spec.percent ? "{value}%" : null }
    };
    // A second scale on the right for a series of another size (exits a month beside the archive).
    var twoScales = spec.series.some(function (serie) { return serie.axis === 1; });
    if (twoScales) {
      values = [values, { type: "value", name: spec.unit2 || "", splitLine: { show: false },
        axisLabel: { fontSize: small ? 11 : 12 } }];
    }
    return {
      animation: false,
      color: palette,
      textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif" },
      tooltip: {
        trigger: "axis",
        confine: true,
        valueFormatter: function (value) { return format(value, spec); }
      },
      legend: { bottom: 0, type: "scroll", textStyle: { fontSize: small ? 11 : 12 } },
      grid: { left: 8, right: small ? 12 : 24, top: 36, bottom: 36, containLabel: true },
      xAxis: sideways ? values : categories,
      yAxis: sideways ? categories : values,
      series: spec.series.map(function (serie) {
        return {
          name: serie.name,
          type: serie.type || spec.type,
          yAxisIndex: twoScales ? (serie.axis || 0) : undefined,
          data: serie.data,
          barMaxWidth: 26,
          connectNulls: false,
          symbolSize: small ? 4 : 6,
          lineStyle: serie.dashed ? { type: "dashed" } : undefined
        };
      })
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (spec.type === "bar" && narrow(el) && spec.categories.length > 3) {
      el.style.height = Math.max(280, spec.categories.length * spec.series.length * 22 + 90) + "px";
    }
    var chart = echarts.init(el, null, { renderer: "svg", locale: english ? "EN" : "ZH" });
    chart.setOption(option(spec, el));
    el.setAttribute("data-rendered", "true");
    drawn.push({ el: el, chart: chart, spec: spec, small: narrow(el) });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      drawn.forEach(function (item) {
        if (narrow(item.el) !== item.small) {
          item.small = narrow(item.el);
          item.chart.setOption(option(item.spec, item.el), true);
        }
        item.chart.resize();
      });
    }, 150);
  });

  // "Table" shows the same numbers as a table; pressed again, the chart comes back.
  document.querySelectorAll("[data-table-toggle]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var figure = button.closest(".chart-figure");
      var showing = figure.classList.toggle("show-table");
      button.setAttribute("aria-pressed", showing ? "true" : "false");
      if (!showing) {
        drawn.forEach(function (item) { if (figure.contains(item.el)) { item.chart.resize(); } });
      }
    });
  });
})();
