/**
 * The page's own script (runs after uPlot): reads the embedded JSON, exposes it as
 * `window.__TRIBUTARY_REPORT__`, draws each line chart into its `[data-chart]` container and keeps
 * the uPlot instances in `window.__TRIBUTARY_CHARTS__` so a test can read back what was drawn. Raw
 * (per user key) identity series are dashed next to their solid per-person counterparts.
 */
export const REPORT_SCRIPT = `(function () {
  var data = JSON.parse(document.getElementById('tributary-report-data').textContent);
  window.__TRIBUTARY_REPORT__ = data;
  var charts = {};
  window.__TRIBUTARY_CHARTS__ = charts;
  var xs = data.daily.days.map(function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; });
  var specs = [
    { name: 'active-users', title: 'Active users (DAU, trailing 7-day WAU, trailing 30-day MAU)',
      series: [['DAU', data.daily.dau, '#2563eb'], ['WAU', data.daily.wau, '#16a34a'], ['MAU', data.daily.mau, '#9333ea']] },
    { name: 'stickiness', title: 'Stickiness (DAU / MAU)', series: [['Stickiness', data.daily.stickiness, '#ea580c']] },
    { name: 'revenue', title: 'Revenue (currency units)', series: [['Revenue', data.daily.revenue, '#0f766e']] },
    { name: 'arpdau', title: 'ARPDAU (revenue / DAU)', series: [['ARPDAU', data.daily.arpdau, '#be123c']] }
  ];
  if (data.identity) {
    var daily = data.identity.daily;
    specs.push({ name: 'identity', title: 'DAU and MAU: persons (stitched, solid) and user keys (raw, dashed)',
      series: [['DAU persons', daily.dauPersons, '#2563eb'], ['DAU user keys', daily.dauUserKeys, '#2563eb', [6, 4]],
        ['MAU persons', daily.mauPersons, '#9333ea'], ['MAU user keys', daily.mauUserKeys, '#9333ea', [6, 4]]] });
  }
  specs.forEach(function (spec) {
    var el = document.querySelector('[data-chart="' + spec.name + '"]');
    var opts = {
      title: spec.title,
      width: Math.max(320, el.clientWidth || 900),
      height: 260,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
      scales: { x: { time: true } },
      series: [{ label: 'Day' }].concat(spec.series.map(function (s) {
        var series = { label: s[0], stroke: s[2], width: 2, spanGaps: false };
        if (s[3]) series.dash = s[3];
        return series;
      }))
    };
    charts[spec.name] = new uPlot(opts, [xs].concat(spec.series.map(function (s) { return s[1]; })), el);
    el.setAttribute('data-rendered', 'true');
  });
  requestAnimationFrame(function () { window.__TRIBUTARY_CHARTS_READY__ = true; });
})();`;
