// Draws a task's stats series (old generation after GC, old generation in use, heap used) on a
// time axis, with the dumps as points, from the JSON the server put in #stats-data. A linear axis
// of epoch milliseconds with formatted ticks: no date adapter needed.
(function () {
  'use strict';
  var data = document.getElementById('stats-data');
  var canvas = document.getElementById('stats-chart');
  if (!data || !canvas || typeof Chart === 'undefined') {
    return;
  }
  var d = JSON.parse(data.textContent);
  var mb = function (b) { return b === null ? null : b / 1048576; };
  var points = function (values) {
    return d.time.map(function (t, i) { return { x: t, y: mb(values[i]) }; });
  };
  var line = function (label, values, color, dash) {
    return {
      label: label,
      data: points(values),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 1.5,
      borderDash: dash || [],
      pointRadius: 0,
      spanGaps: false,
      tension: 0
    };
  };
  // A dump is marked at the old generation after GC nearest before it (what the policy compared).
  var afterGcAt = function (t) {
    var y = null;
    for (var i = 0; i < d.time.length && d.time[i] <= t; i++) {
      if (d.oldGenAfterGc[i] !== null) {
        y = d.oldGenAfterGc[i];
      }
    }
    return mb(y === null ? 0 : y);
  };
  var first = d.time[0];
  var last = d.time[d.time.length - 1];
  var dumps = {
    label: 'dump',
    type: 'scatter',
    data: d.dumps.filter(function (t) { return t >= first && t <= last; })
      .map(function (t) { return { x: t, y: afterGcAt(t) }; }),
    borderColor: '#c62828',
    backgroundColor: '#c62828',
    pointRadius: 5,
    pointStyle: 'triangle'
  };
  var datasets = [
    line('old gen after GC', d.oldGenAfterGc, '#1f5fbf'),
    line('old gen in use', d.oldGenUsed, '#6a1b9a', [4, 3]),
    line('heap used', d.heapUsed, '#b0b8c2'),
    dumps
  ];
  var time = function (ms) { return new Date(ms).toISOString().substring(11, 19); };
  window.heapfleetStatsChart = new Chart(canvas, {
    type: 'line',
    data: { datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: first,
          max: last,
          ticks: { callback: function (v) { return time(v); }, maxTicksLimit: 8 },
          title: { display: true, text: 'time (UTC)' }
        },
        y: { beginAtZero: true, title: { display: true, text: 'MB' } }
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? time(items[0].parsed.x) : ''; },
            label: function (c) { return c.dataset.label + ': ' + c.parsed.y.toFixed(1) + ' MB'; }
          }
        }
      }
    }
  });
  canvas.setAttribute('data-drawn', String(d.time.length));
})();
