// Draws a task's heap over time, stacked by class, from the JSON the server put in #heap-data.
// Chart.js is served by the collector from its WebJar (no CDN), so this works offline.
(function () {
  'use strict';
  var data = document.getElementById('heap-data');
  var canvas = document.getElementById('heap-chart');
  if (!data || !canvas || typeof Chart === 'undefined') {
    return;
  }
  var d = JSON.parse(data.textContent);
  var palette = ['#c62828', '#1f5fbf', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#8d6e63', '#546e7a'];
  var mb = function (b) { return b / 1048576; };
  var labels = d.times.map(function (t) { return new Date(t).toISOString().substring(11, 19); });
  var datasets = d.series.map(function (s, i) {
    var other = s.name === 'other';
    var color = other ? '#b0b8c2' : palette[i % palette.length];
    return {
      label: s.name,
      data: s.bytes.map(mb),
      fill: true,
      stack: 'heap',
      borderColor: color,
      backgroundColor: color + (other ? '55' : '99'),
      borderWidth: 1.5,
      pointRadius: d.times.length > 40 ? 0 : 2,
      tension: 0.15
    };
  });
  window.heapfleetChart = new Chart(canvas, {
    type: 'line',
    data: { labels: labels, datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { title: { display: true, text: 'dump taken (UTC)' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'shallow size (MiB)' } }
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: function (c) { return c.dataset.label + ': ' + c.parsed.y.toFixed(2) + ' MiB'; }
          }
        }
      }
    }
  });
  canvas.setAttribute('data-drawn', String(datasets.length));
})();
