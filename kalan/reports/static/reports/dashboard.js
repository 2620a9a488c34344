/*
 * The dashboard's charts, drawn with the vendored Chart.js from the numbers the page carries in
 * <script id="dashboard-data" type="application/json"> (json_script: data, never run).
 *
 * Without scripts the page shows each chart's table instead: the chart boxes stay hidden and the
 * tables open. Here, once a chart is drawn, its box is shown and its table folded away.
 * No inline style anywhere (the Content-Security-Policy refuses them): sizes come from
 * dashboard.css, or are set through the CSSOM, which the policy allows.
 */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var Chart = window.Chart;
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "fr";
  var style = getComputedStyle(document.documentElement);

  function colour(name, fallback) {
    return style.getPropertyValue(name).trim() || fallback;
  }

  var BRAND = colour("--brand", "#0b5d4b");
  var ACCENT = colour("--accent", "#c8811a");
  var INK = colour("--ink", "#1d2527");
  var LINE = colour("--line", "#d5dcdc");
  // Kalan's green and ochre first, then colours told apart by people with colour blindness.
  var PALETTE = [BRAND, ACCENT, "#4c7fa8", "#9b4f76", "#7aa58f", "#b9a34a", "#5d5a8a", "#a0522d"];
  var numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = INK;
  Chart.defaults.borderColor = LINE;
  // Venue laptops are slow, and a screenshot must show the final picture.
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;

  function axis(percent) {
    return {
      beginAtZero: true,
      max: percent ? 100 : undefined,
      ticks: {
        precision: 0,
        callback: function (value) {
          return percent ? numbers.format(value) + "\u00a0%" : numbers.format(value);
        },
      },
    };
  }

  function tooltipTitle(chart) {
    return function (items) {
      return items.length ? chart.labels[items[0].dataIndex] : "";
    };
  }

  function config(chart) {
    var percent = chart.kind === "percent";
    var datasets = chart.datasets.map(function (set, index) {
      var base = {
        label: set.label,
        data: set.data,
        backgroundColor: PALETTE[index % PALETTE.length],
        borderRadius: 3,
        maxBarThickness: 56,
      };
      if (chart.kind === "doughnut") {
        // Women in ochre, men in green: the same two colours on every chart of sexes.
        base.backgroundColor = [ACCENT, BRAND].concat(PALETTE.slice(2));
        base.borderColor = "#ffffff";
        base.borderWidth = 2;
      }
      return base;
    });
    var tooltip = {
      callbacks: {
        title: tooltipTitle(chart),
        label: function (item) {
          var value = item.raw === null ? "—" : numbers.format(item.raw);
          return " " + item.dataset.label + " : " + value + (percent ? "\u00a0%" : "");
        },
      },
    };
    if (chart.kind === "doughnut") {
      tooltip.callbacks.title = function () {
        return "";
      };
      tooltip.callbacks.label = function (item) {
        return " " + item.label;
      };
      return {
        type: "doughnut",
        // The legend says the numbers too: « Femmes : 13 ».
        data: {
          labels: chart.labels.map(function (label, i) {
            return label + " : " + numbers.format(chart.datasets[0].data[i]);
          }),
          datasets: datasets,
        },
        options: {
          cutout: "55%",
          plugins: { legend: { position: "right" }, tooltip: tooltip },
        },
      };
    }
    var horizontal = chart.kind === "hbar";
    var stacked = chart.kind === "stacked";
    var categories = {
      grid: { display: false },
      stacked: stacked,
      ticks: { autoSkip: !horizontal, maxRotation: 0 },
    };
    var values = axis(percent);
    values.stacked = stacked;
    return {
      type: "bar",
      data: { labels: chart.ticks, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: values, y: categories } : { x: categories, y: values },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: tooltip,
        },
      },
    };
  }

  data.charts.forEach(function (chart) {
    var section = document.querySelector('[data-chart="' + chart.slug + '"]');
    if (!section) {
      return;
    }
    var box = section.querySelector(".chart-box");
    var canvas = section.querySelector("canvas");
    if (!box || !canvas) {
      return;
    }
    box.hidden = false;
    if (chart.kind === "hbar") {
      // One bar a label, whatever their number: the box grows with the list.
      box.style.height = Math.max(180, 34 * chart.labels.length + 50) + "px";
    }
    new Chart(canvas, config(chart));
    var table = section.querySelector("details.chart-data");
    if (table) {
      table.open = false;
    }
  });
})();
