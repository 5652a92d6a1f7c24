// Renders the panels of a Grafana dashboard JSON (docs/dashboards/nohop.json) into one PNG, from the
// data of a real Prometheus server: each panel's own queries, run through Prometheus's HTTP API the way
// Grafana runs them ($__rate_interval, variables at "All", step from the panel width), drawn with
// Apache ECharts in headless Chromium. Grafana itself is not used: this is a faithful re-drawing of the
// dashboard's queries, titles, units, colours, thresholds and annotations, not a Grafana screenshot.
//
//   node render.mjs --dashboard ../nohop.json --prometheus http://127.0.0.1:9090 --start S --end E \
//        --scrape-interval 2 --data-out run-data.json --out ../nohop.png
//   node render.mjs --dashboard ../nohop.json --data-in run-data.json --out ../nohop.png   (again, offline)
//
// Needs: node 18+, `npm ci` here (echarts), and a Chromium binary (CHROMIUM, default `chromium`).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const dashboard = JSON.parse(readFileSync(required('dashboard'), 'utf8'));

const WIDTH = Number(args.width ?? 1800);            // page width in px; 24 grid columns
const CELL = 30, MARGIN = 8;                          // Grafana's grid: 30 px rows, 8 px gaps
const HEADER = 96;                                    // title bar and variables

const data = args['data-in'] ? JSON.parse(readFileSync(args['data-in'], 'utf8')) : await collect();
if (args['data-out']) {
  writeFileSync(args['data-out'], JSON.stringify(data) + '\n');
}
render(data, required('out'));

// --- collecting --------------------------------------------------------------------------------------

async function collect() {
  const prometheus = required('prometheus').replace(/\/$/, '');
  const start = Number(required('start'));
  const end = Number(required('end'));
  const scrape = Number(args['scrape-interval'] ?? 15);
  const panels = [];
  for (const panel of dashboard.panels) {
    if (panel.type === 'row' || !panel.targets) continue;
    const widthPx = panel.gridPos.w * WIDTH / 24;
    // Grafana: interval = range / max data points (the panel's width in px), at least the scrape
    // interval; $__rate_interval = max($__interval + scrape interval, 4 x scrape interval).
    const step = Math.max(scrape, Math.ceil((end - start) / widthPx));
    const rateInterval = Math.max(step + scrape, 4 * scrape);
    const targets = [];
    for (const target of panel.targets) {
      const expr = substitute(target.expr, rateInterval);
      const result = await rangeQuery(prometheus, expr, start, end, step);
      targets.push({ refId: target.refId, expr, legendFormat: target.legendFormat, result });
    }
    panels.push({ id: panel.id, step, rateInterval, targets });
  }
  const annotations = [];
  for (const a of dashboard.annotations?.list ?? []) {
    if (!a.expr || !a.enable) continue;
    const step = durationSeconds(a.step ?? '60s');
    const result = await rangeQuery(prometheus, substitute(a.expr, 4 * scrape), start, end, step);
    for (const series of result) {
      annotations.push({ name: a.name, title: template(a.titleFormat ?? '', series.metric),
        text: template(a.textFormat ?? '', series.metric), ranges: regions(series.values, step) });
    }
  }
  const build = await (await fetch(prometheus + '/api/v1/status/buildinfo')).json();
  return {
    source: 'Prometheus ' + (build.data?.version ?? '?') + ', scrape interval ' + scrape + ' s',
    start, end, scrapeInterval: scrape, panels, annotations,
  };
}

function substitute(expr, rateInterval) {
  // Every query variable at "All" (allValue .*), as the rendered dashboard shows it.
  let e = expr.replaceAll('$__rate_interval', rateInterval + 's');
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type === 'query') e = e.replaceAll('$' + v.name, v.allValue ?? '.*');
  }
  return e;
}

async function rangeQuery(prometheus, query, start, end, step) {
  const url = prometheus + '/api/v1/query_range?' + new URLSearchParams({ query, start, end, step });
  const body = await (await fetch(url)).json();
  if (body.status !== 'success') throw new Error('query failed: ' + query + ': ' + JSON.stringify(body));
  return body.data.result;
}

/** Consecutive samples (no gap longer than a step) become one [from, to] region, as Grafana merges them. */
function regions(values, step) {
  const out = [];
  for (const [t] of values) {
    const last = out[out.length - 1];
    if (last && t - last[1] <= step) last[1] = t; else out.push([t, t]);
  }
  return out;
}

// --- rendering ---------------------------------------------------------------------------------------

function render(data, out) {
  const rows = Math.max(...dashboard.panels.map(p => p.gridPos.y + p.gridPos.h));
  const height = HEADER + rows * (CELL + MARGIN) + 40;
  const echarts = readFileSync(join(here, 'node_modules/echarts/dist/echarts.min.js'), 'utf8');
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css()}</style>
<script>${echarts}</script></head><body>
<div id="header">${header(data)}</div><div id="grid" style="height:${rows * (CELL + MARGIN)}px"></div>
<div id="footer">Rendered by docs/dashboards/render/render.mjs from the Prometheus data of one run (${escapeHtml(data.source)}):
each panel's queries from docs/dashboards/nohop.json, drawn with Apache ECharts in headless Chromium, not by Grafana.</div>
<script>const DASHBOARD = ${JSON.stringify(dashboard)}; const DATA = ${JSON.stringify(data)}; const GRID_WIDTH = ${WIDTH};
${pageScript.toString()} pageScript();</script></body></html>`;
  const dir = mkdtempSync(join(tmpdir(), 'nohop-dashboard-'));
  try {
    const page = join(dir, 'dashboard.html');
    writeFileSync(page, html);
    if (args['html-out']) writeFileSync(args['html-out'], html);
    execFileSync(process.env.CHROMIUM ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu',
      '--hide-scrollbars', '--force-device-scale-factor=1', `--window-size=${WIDTH + 16},${height}`,
      '--virtual-time-budget=15000', `--screenshot=${resolve(out)}`, 'file://' + page],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('wrote ' + out);
}

function header(data) {
  const fmt = t => new Date(t * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const vars = (dashboard.templating?.list ?? []).map(v =>
    `<span class="var"><span class="k">${escapeHtml(v.label ?? v.name)}</span><span class="v">${v.type === 'datasource' ? 'Prometheus' : 'All'}</span></span>`).join('');
  return `<div class="title">Dashboards › <b>${escapeHtml(dashboard.title)}</b></div>
<div class="range">${fmt(data.start)} to ${fmt(data.end)}</div><div class="vars">${vars}</div>`;
}

function css() {
  return `body{margin:0;padding:8px;background:#111217;color:#ccccdc;font-family:"DejaVu Sans",Arial,sans-serif;font-size:12px}
#header{height:${HEADER - 16}px;position:relative}
.title{font-size:18px;padding:6px 4px}.title b{color:#fff}
.range{position:absolute;right:8px;top:8px;border:1px solid #2c3235;padding:5px 10px;border-radius:2px;background:#181b1f}
.vars{padding:8px 4px}.var{display:inline-block;margin-right:8px;border:1px solid #2c3235;border-radius:2px}
.var .k{background:#22252b;padding:5px 8px;display:inline-block}.var .v{padding:5px 8px;display:inline-block;background:#111217}
#grid{position:relative}
.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;box-sizing:border-box}
.panel .ptitle{height:28px;line-height:28px;padding:0 8px;font-weight:500;color:#ccccdc;font-size:13px}
.panel .chart{position:absolute;left:0;right:0;top:28px;bottom:0}
.panel .nodata{position:absolute;left:0;right:0;top:28px;bottom:0;display:flex;align-items:center;justify-content:center;color:#8e8e8e;font-size:16px;text-align:center;padding:0 20px}
.row{position:absolute;font-size:15px;color:#ccccdc;line-height:30px;padding-left:4px}
#footer{color:#8e8e8e;font-size:11px;padding:6px 4px}`;
}

/** Runs in the page: lays out the panels on Grafana's grid and draws them with ECharts. */
function pageScript() {
  const PALETTE = ['#7EB26D', '#EAB839', '#6ED0E0', '#EF843C', '#E24D42', '#1F78C1', '#BA43A9', '#705DA0',
    '#508642', '#CCA300', '#447EBC', '#C15C17', '#890F02', '#0A437C', '#6D1F62', '#584477'];
  const NAMED = { green: '#73BF69', red: '#F2495C', orange: '#FF9830', blue: '#5794F2', yellow: '#FADE2A',
    purple: '#B877D9', transparent: 'rgba(0,0,0,0)' };
  const color = c => NAMED[c] ?? c;
  const colW = GRID_WIDTH / 24;
  const grid = document.getElementById('grid');
  const dataById = Object.fromEntries(DATA.panels.map(p => [p.id, p]));
  const start = DATA.start * 1000, end = DATA.end * 1000;

  for (const panel of DASHBOARD.panels) {
    const g = panel.gridPos;
    const x = g.x * colW, y = g.y * 38, w = g.w * colW - 8, h = g.h * 38 - 8;
    if (panel.type === 'row') {
      const row = document.createElement('div');
      row.className = 'row';
      Object.assign(row.style, { left: x + 'px', top: y + 'px', width: w + 'px' });
      row.textContent = '⌄ ' + panel.title;
      grid.appendChild(row);
      continue;
    }
    const box = document.createElement('div');
    box.className = 'panel';
    Object.assign(box.style, { left: x + 'px', top: y + 'px', width: w + 'px', height: h + 'px' });
    box.innerHTML = '<div class="ptitle"></div>';
    box.firstChild.textContent = panel.title;
    grid.appendChild(box);
    const series = seriesOf(panel, dataById[panel.id]);
    if (series.length === 0) {
      const nd = document.createElement('div');
      nd.className = 'nodata';
      nd.textContent = 'No data';
      box.appendChild(nd);
      continue;
    }
    const el = document.createElement('div');
    el.className = 'chart';
    box.appendChild(el);
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(panel.type === 'state-timeline' ? stateTimeline(panel, series) : timeseries(panel, series));
  }

  function seriesOf(panel, data) {
    const out = [];
    for (const t of data?.targets ?? []) {
      for (const r of t.result) {
        const name = (t.legendFormat ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => r.metric[k] ?? '').trim()
          || JSON.stringify(r.metric);
        out.push({ name, points: r.values.map(([ts, v]) => [ts * 1000, Number(v)]) });
      }
    }
    return out;
  }

  function overridesFor(panel, name) {
    const props = {};
    for (const o of panel.fieldConfig?.overrides ?? []) {
      const m = o.matcher;
      const hit = m.id === 'byName' ? m.options === name : m.id === 'byRegexp' ? new RegExp('^' + m.options + '$').test(name) : false;
      if (hit) for (const p of o.properties) props[p.id] = p.value;
    }
    return props;
  }

  function unitFormat(unit, decimals) {
    const num = (v, d = 2) => Number.isInteger(v) ? String(v) : v.toFixed(decimals ?? d).replace(/\.?0+$/, '');
    switch (unit) {
      case 's': return v => {
        const a = Math.abs(v);
        if (a === 0) return '0 s';
        if (a < 1e-3) return num(v * 1e6, 1) + ' µs';
        if (a < 1) return num(v * 1e3, 1) + ' ms';
        if (a < 60) return num(v, 1) + ' s';
        if (a < 3600) return num(v / 60, 1) + ' min';
        return num(v / 3600, 1) + ' hour';
      };
      case 'ops': return v => num(v) + ' ops/s';
      case 'reqps': return v => num(v) + ' req/s';
      case 'percentunit': return v => num(v * 100, 0) + '%';
      default: return v => num(v);
    }
  }

  function annotationMarks() {
    const areas = [], lines = [];
    for (const a of DATA.annotations ?? []) {
      for (const [from, to] of a.ranges) {
        areas.push([{ xAxis: from * 1000, itemStyle: { color: 'rgba(242,73,92,0.05)' } }, { xAxis: to * 1000 }]);
        lines.push({ xAxis: from * 1000, lineStyle: { color: 'rgba(242,73,92,0.8)', type: 'dashed', width: 1 }, label: { show: false } });
      }
    }
    return { areas, lines };
  }

  function timeseries(panel, series) {
    const d = panel.fieldConfig?.defaults ?? {};
    const fmt = unitFormat(d.unit, d.decimals);
    const stacked = d.custom?.stacking?.mode === 'normal';
    const fill = (d.custom?.fillOpacity ?? 0) / 100;
    const thresholdSteps = (d.custom?.thresholdsStyle?.mode ?? 'off') !== 'off' ? (d.thresholds?.steps ?? []).filter(s => s.value != null) : [];
    const marks = annotationMarks();
    const opts = series.map((s, i) => {
      const o = overridesFor(panel, s.name);
      const c = o.color?.fixedColor ? color(o.color.fixedColor) : PALETTE[i % PALETTE.length];
      const dashed = o['custom.lineStyle']?.fill === 'dash';
      const f = o['custom.fillOpacity'] != null ? o['custom.fillOpacity'] / 100 : fill;
      return { name: s.name, type: 'line', showSymbol: false, data: s.points, connectNulls: false,
        stack: stacked ? 'A' : undefined, color: c, lineStyle: { width: d.custom?.lineWidth ?? 1, type: dashed ? [8, 6] : 'solid' },
        areaStyle: f > 0 ? { opacity: f } : undefined };
    });
    opts.push({ name: '__marks', type: 'line', data: [], silent: true,
      markArea: { silent: true, data: marks.areas }, markLine: { silent: true, symbol: 'none', data: [
        ...marks.lines,
        ...thresholdSteps.map(s => ({ yAxis: s.value, lineStyle: { color: color(s.color), type: 'dashed', width: 1 },
          label: { show: true, position: 'insideEndTop', color: color(s.color), formatter: () => fmt(s.value) } }))] } });
    return {
      animation: false, backgroundColor: 'transparent', textStyle: { fontFamily: 'DejaVu Sans, sans-serif' },
      grid: { left: 8, right: 16, top: 10, bottom: 28 + 18 * Math.ceil(series.length / 3), containLabel: true },
      legend: { bottom: 4, left: 8, icon: 'rect', itemWidth: 14, itemHeight: 3, textStyle: { color: '#ccccdc', fontSize: 11 },
        data: series.map(s => s.name) },
      xAxis: { type: 'time', min: start, max: end, axisLine: { lineStyle: { color: '#5a5d61' } },
        axisLabel: { color: '#8e8e8e', fontSize: 10, formatter: v => new Date(v).toISOString().substr(11, 8) }, splitLine: { show: true, lineStyle: { color: '#24272b' } } },
      yAxis: { type: d.custom?.scaleDistribution?.type === 'log' ? 'log' : 'value',
        logBase: d.custom?.scaleDistribution?.log ?? 10,
        min: d.custom?.scaleDistribution?.type === 'log' ? undefined : d.min, max: d.max,
        axisLabel: { color: '#8e8e8e', fontSize: 10, formatter: fmt },
        splitLine: { lineStyle: { color: '#24272b' } } },
      series: opts,
    };
  }

  function stateTimeline(panel, series) {
    const d = panel.fieldConfig?.defaults ?? {};
    const mapping = {};
    for (const m of d.mappings ?? []) if (m.type === 'value') Object.assign(mapping, m.options);
    const rows = series.map(s => s.name);
    const bars = [];
    series.forEach((s, row) => {
      let from = null, value = null;
      const flush = (to) => { if (from != null) bars.push({ value: [row, from, to, value] }); };
      for (const [t, v] of s.points) {
        if (v !== value) { flush(t); from = t; value = v; }
      }
      flush(end);
    });
    const marks = annotationMarks();
    return {
      animation: false, backgroundColor: 'transparent',
      grid: { left: 8, right: 16, top: 6, bottom: 24, containLabel: true },
      xAxis: { type: 'time', min: start, max: end, axisLine: { lineStyle: { color: '#5a5d61' } },
        axisLabel: { color: '#8e8e8e', fontSize: 10, formatter: v => new Date(v).toISOString().substr(11, 8) }, splitLine: { show: false } },
      yAxis: { type: 'category', data: rows, axisLabel: { color: '#ccccdc', fontSize: 11 }, axisLine: { show: false }, axisTick: { show: false } },
      series: [{
        type: 'custom', data: bars, encode: { x: [1, 2], y: 0 },
        renderItem: (params, api) => {
          const row = api.value(0), a = api.coord([api.value(1), row]), b = api.coord([api.value(2), row]);
          const hgt = api.size([0, 1])[1] * (panel.options?.rowHeight ?? 0.8);
          const m = mapping[String(api.value(3))] ?? {};
          const width = Math.max(b[0] - a[0], 1);
          return { type: 'group', children: [
            { type: 'rect', shape: { x: a[0], y: a[1] - hgt / 2, width, height: hgt },
              style: { fill: color(m.color ?? '#888'), opacity: (d.custom?.fillOpacity ?? 70) / 100 } },
            { type: 'text', style: { x: a[0] + 6, y: a[1], text: width > 50 ? (m.text ?? String(api.value(3))) : '',
              fill: '#111217', font: '600 12px DejaVu Sans, sans-serif', verticalAlign: 'middle' } }] };
        },
      }, { type: 'line', data: [], markArea: { silent: true, data: marks.areas }, markLine: { silent: true, symbol: 'none', data: marks.lines } }],
    };
  }
}

// --- helpers -----------------------------------------------------------------------------------------

function template(format, metric) {
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '');
}

function durationSeconds(text) {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error('bad duration ' + text);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i += 2) {
    if (!list[i].startsWith('--') || list[i + 1] === undefined) throw new Error('usage: see the head of render.mjs');
    out[list[i].slice(2)] = list[i + 1];
  }
  return out;
}

function required(name) {
  if (args[name] === undefined) throw new Error('--' + name + ' is required (see the head of render.mjs)');
  return args[name];
}
