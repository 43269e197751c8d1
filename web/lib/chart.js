/* chart.js: the body chart (/api/chart.svg inline): regions as buttons, pain marks, referral
** zones, region names. */

import { api } from './api.js';
import { $$, h, svgEl } from './dom.js';
import { human } from './format.js';

let chartText = null;
export const regionLabels = new Map();   // "temple-l" -> "left temple"

export function labelOf(id) { return regionLabels.get(id) || human(id); }
/* "temple, left (temple-l)" -> "left temple" */
function labelFromTitle(title, id) {
  let t = String(title || '').replace(/\s*\([^()]*\)\s*$/, '').trim();
  const m = t.match(/^(.*),\s*(left|right)$/i);
  if (m) t = `${m[2].toLowerCase()} ${m[1]}`;
  return t || human(id);
}

/* A fresh copy of /api/chart.svg in a box with the side captions.  opts.onPick(id) makes every
** region a button (click, touch, Enter/Space).  Returns an object to mark pain and draw zones. */
export async function chartDoc() {
  if (!chartText) chartText = await api('GET', '/api/chart.svg');
  return new DOMParser().parseFromString(String(chartText), 'image/svg+xml');
}
/* Region names ("left temple") for screens without a chart; a failure leaves the ids. */
export async function ensureLabels() {
  if (regionLabels.size) return;
  try {
    for (const el of (await chartDoc()).querySelectorAll('ellipse.region')) {
      const t = el.querySelector('title'), id = el.getAttribute('data-region');
      regionLabels.set(id, labelFromTitle(t && t.textContent, id));
    }
  } catch (e) { if (e.status === 401) throw e; }
}
export async function makeChart(opts = {}) {
  const doc = await chartDoc();
  if (doc.querySelector('parsererror') || doc.documentElement.nodeName !== 'svg') throw new Error('The body chart from the server could not be read.');
  const svg = document.importNode(doc.documentElement, true);
  svg.removeAttribute('width'); svg.removeAttribute('height');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Body chart, front and back views');
  let defs = svg.querySelector('defs');
  if (!defs) { defs = svgEl('defs'); svg.insertBefore(defs, svg.firstChild); }
  const pat = svgEl('pattern', { id: 'mm-stipple', width: 3, height: 3, patternUnits: 'userSpaceOnUse' });
  pat.append(svgEl('rect', { width: 3, height: 3, fill: '#ffffff' }), svgEl('circle', { cx: 1.5, cy: 1.5, r: 0.8, fill: '#dc2626' }));
  defs.append(pat);

  /* the R and L beside each view: larger and dark, so the side is read at a glance */
  for (const t of $$('[data-view] > text', svg)) {
    const v = t.textContent.trim();
    if (v === 'R' || v === 'L') {
      t.classList.add('side-letter');
      t.setAttribute('aria-label', v === 'R' ? "patient's right" : "patient's left");
    }
  }
  const byId = new Map();
  const all = $$('ellipse.region', svg);
  for (const el of all) {
    const id = el.getAttribute('data-region');
    const t = el.querySelector('title');
    const view = el.closest('[data-view]');
    const label = labelFromTitle(t && t.textContent, id);
    regionLabels.set(id, label);
    el.dataset.label = label;
    el.dataset.viewName = view ? view.getAttribute('data-view') : '';
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id).push(el);
    if (opts.onPick) {
      el.setAttribute('tabindex', '0');
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', `${label}${el.dataset.viewName ? ' (' + el.dataset.viewName + ' view)' : ''}`);
    } else {
      el.setAttribute('aria-label', label);
    }
  }

  const box = h('div', { class: 'chart-svg' + (opts.onPick ? ' interactive' : '') });
  box.append(svg);
  if (opts.onPick) {
    svg.addEventListener('click', (ev) => {
      let el = ev.target.closest && ev.target.closest('ellipse.region');
      if (!el) el = nearest(ev.clientX, ev.clientY, 26);
      if (el) { opts.onPick(el.getAttribute('data-region'), el); }
    });
    svg.addEventListener('keydown', (ev) => {
      const el = ev.target.closest && ev.target.closest('ellipse.region');
      if (el && (ev.key === 'Enter' || ev.key === ' ' || ev.key === 'Spacebar')) {
        ev.preventDefault();
        opts.onPick(el.getAttribute('data-region'), el);
      }
    });
  }
  /* The region nearest the pointer, within tolPx of its edge: a finger need not land exactly on
  ** a small region (the ankle is a few pixels wide). */
  function nearest(cx, cy, tolPx) {
    let best = null, bestD = Infinity;
    for (const el of all) {
      const m = el.getScreenCTM();
      if (!m) continue;
      const p = new DOMPoint(cx, cy).matrixTransform(m.inverse());
      const ex = +el.getAttribute('cx'), ey = +el.getAttribute('cy');
      const rx = +el.getAttribute('rx') || 1, ry = +el.getAttribute('ry') || 1;
      const dx = p.x - ex, dy = p.y - ey, th = Math.atan2(dy, dx);
      const r = (rx * ry) / Math.hypot(ry * Math.cos(th), rx * Math.sin(th));
      const d = (Math.hypot(dx, dy) - r) * Math.abs(m.a || 1);
      if (d < bestD) { bestD = d; best = el; }
    }
    return bestD <= tolPx ? best : null;
  }

  const wrap = h('div', { class: 'chart-box' },
    h('div', { class: 'chart-captions' },
      h('div', { class: 'cap-front' }, 'FRONT — patient facing you: ', h('span', { class: 'side' }, 'their RIGHT is on your LEFT')),
      h('div', { class: 'cap-back' }, 'BACK — seen from behind: ', h('span', { class: 'side' }, 'their LEFT is on your left'))),
    box,
    opts.legend || null);

  const chart = {
    el: wrap, svg, byId,
    /* marks [{region,intensity}]: filled red, more opaque when stronger; outline: dashed ring */
    setPain(marks, outline = false) {
      for (const el of all) {
        el.classList.remove('pain', 'pain-outline');
        el.style.fillOpacity = '';
        el.removeAttribute('aria-pressed');
        if (opts.onPick) el.setAttribute('aria-label', `${el.dataset.label}${el.dataset.viewName ? ' (' + el.dataset.viewName + ' view)' : ''}`);
      }
      for (const m of marks || []) {
        for (const el of byId.get(m.region) || []) {
          if (outline) { el.classList.add('pain-outline'); continue; }
          el.classList.add('pain');
          const i = m.intensity === undefined || m.intensity === null || m.intensity < 0 ? 5 : m.intensity;
          el.style.fillOpacity = String(0.15 + 0.075 * i);
          if (opts.onPick) {
            el.setAttribute('aria-pressed', 'true');
            el.setAttribute('aria-label', `${el.dataset.label} (${el.dataset.viewName} view): pain ${i}/10`);
          }
        }
      }
    },
    select(id) {
      for (const el of all) el.classList.toggle('selected', el.getAttribute('data-region') === id);
    },
    /* z {at, essential[], spillover[]}: the point as an X, essential zone solid, spillover stippled */
    showZones(z) {
      chart.clearZones();
      if (!z) return;
      for (const id of z.spillover || []) for (const el of byId.get(id) || []) el.classList.add('zone-spillover');
      for (const id of z.essential || []) for (const el of byId.get(id) || []) { el.classList.remove('zone-spillover'); el.classList.add('zone-essential'); }
      for (const el of byId.get(z.at) || []) {
        const x = +el.getAttribute('cx'), y = +el.getAttribute('cy'), s = 4.5;
        const g = svgEl('g', { class: 'tp-x', 'pointer-events': 'none', 'data-at': z.at });
        for (const cls of ['halo', '']) {
          g.append(svgEl('line', { class: cls, x1: x - s, y1: y - s, x2: x + s, y2: y + s }),
            svgEl('line', { class: cls, x1: x - s, y1: y + s, x2: x + s, y2: y - s }));
        }
        el.parentNode.append(g);
      }
    },
    clearZones() {
      for (const el of all) el.classList.remove('zone-essential', 'zone-spillover');
      $$('.tp-x', svg).forEach((g) => g.remove());
    },
  };
  return chart;
}

export function regionPicker(onPick) {
  const ids = Array.from(regionLabels.keys()).sort((a, b) => labelOf(a).localeCompare(labelOf(b)));
  const sel = h('select', { 'aria-label': 'Mark a region by name' },
    h('option', { value: '' }, 'Mark a region by name…'),
    ids.map((id) => h('option', { value: id }, `${labelOf(id)} (${id})`)));
  return h('div', { class: 'region-pick no-print' }, sel,
    h('button', { type: 'button', onclick: () => { if (sel.value) { onPick(sel.value); sel.value = ''; } } }, 'Mark'));
}
