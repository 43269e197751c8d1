/* chart.js: the body chart (/api/chart.svg inline): regions as buttons, pain marks, referral
** zones, region names. */

import { api } from './api.js';
import { $$, h, svgEl } from './dom.js';
import { human } from './format.js';
import { t } from './i18n.js';

let chartText = null;
export const regionLabels = new Map();   // "temple-l" -> "left temple"

export function labelOf(id) { return regionLabels.get(id) || human(id); }
/* "temple, left (temple-l)" -> "left temple" */
function labelFromTitle(title, id) {
  let s = String(title || '').replace(/\s*\([^()]*\)\s*$/, '').trim();
  const m = s.match(/^(.*),\s*(left|right)$/i), f = s.match(/^(.*),\s*(gauche|droite)$/i);
  if (m) s = `${m[2].toLowerCase()} ${m[1]}`;
  else if (f) s = `${f[1]} (${f[2].toLowerCase()})`;   /* the French chart: "le front (gauche)" */
  return s || human(id);
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
      const ti = el.querySelector('title'), id = el.getAttribute('data-region');
      regionLabels.set(id, labelFromTitle(ti && ti.textContent, id));
    }
  } catch (e) { if (e.status === 401) throw e; }
}
/* Makes the regions of one copy of the chart (svg) known: labels, view names, aria; returns them. */
function prepare(svg, interactive, lens) {
  const out = [];
  for (const el of $$('ellipse.region', svg)) {
    const id = el.getAttribute('data-region');
    const ti = el.querySelector('title');
    const view = el.closest('[data-view]');
    const label = labelFromTitle(ti && ti.textContent, id);
    regionLabels.set(id, label);
    el.dataset.label = label;
    el.dataset.viewName = view ? view.getAttribute('data-view') : '';
    if (interactive) {
      el.setAttribute('tabindex', lens ? '-1' : '0');
      el.setAttribute('role', 'button');
    }
    el.setAttribute('aria-label', regionAria(el));
    out.push(el);
  }
  return out;
}
function regionAria(el, pain) {
  const base = el.dataset.viewName ? t('chart.region-view', { label: el.dataset.label, view: t('chart.view-' + el.dataset.viewName) }) : el.dataset.label;
  return pain === undefined ? base : t('chart.region-pain', { region: base, n: pain });
}
/* A region's centre on screen. */
function centre(el) { const b = el.getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2]; }
/* The region nearest `from` in the direction of an arrow key, among `els` (on screen): the one
** with the least distance, counting the sideways offset three times, within 60 degrees of it. */
function neighbour(from, els, key) {
  const [dx, dy] = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[key];
  const [x0, y0] = centre(from);
  let best = null, bestD = Infinity;
  for (const el of els) {
    if (el === from || el.dataset.region === from.dataset.region && el.dataset.viewName === from.dataset.viewName) continue;
    const [x, y] = centre(el);
    const along = (x - x0) * dx + (y - y0) * dy, side = Math.abs((x - x0) * dy - (y - y0) * dx);
    if (along <= 0.5 || side > along * 1.8) continue;
    const d = along + 3 * side;
    if (d < bestD) { bestD = d; best = el; }
  }
  return best;
}

/* The magnifier's scale, in screen pixels per chart unit: the smallest region (the jaw joint,
** 2.2 units clear around it, the teeth 1.6 units high) get a clear circle of 24 px or more. */
const LENS_SCALE = 7;
/* For a chart only looked at (zones on the sources and atlas screens): more of the body in view. */
const VIEW_SCALE = 3.5;

/* A fresh copy of /api/chart.svg in a box with the side captions.  opts.onPick(id) makes every
** region a button (click, touch, Enter/Space; the arrow keys move to the nearest region in
** their direction) and adds a magnifier: a second, enlarged copy that follows the region
** focused or the spot tapped, where the smallest regions are targets for a finger.
** opts.legend goes below; opts.own: the captions speak to the client about their own body.  Returns an object to mark pain and draw zones on every copy. */
export async function makeChart(opts = {}) {
  const doc = await chartDoc();
  if (doc.querySelector('parsererror') || doc.documentElement.nodeName !== 'svg') throw new Error(t('chart.unreadable'));
  const pristine = doc.documentElement;
  const interactive = !!opts.onPick, magnifiable = interactive || !!opts.magnifier;
  const dress = (svg, label) => {
    svg.removeAttribute('width'); svg.removeAttribute('height');
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-label', label);
    const title = svg.querySelector(':scope > title');
    if (title) title.remove();
    for (const tx of $$(':scope > text', svg)) if (!tx.closest('[data-view]')) tx.remove();   /* the heading: the page has its own */
    let defs = svg.querySelector('defs');
    if (!defs) { defs = svgEl('defs'); svg.insertBefore(defs, svg.firstChild); }
    const pat = svgEl('pattern', { id: 'mm-stipple', width: 3, height: 3, patternUnits: 'userSpaceOnUse' });
    pat.append(svgEl('rect', { width: 3, height: 3, fill: '#ffffff' }), svgEl('circle', { cx: 1.5, cy: 1.5, r: 0.8, fill: '#dc2626' }));
    defs.append(pat);
    /* the R and L beside each view: larger and dark, so the side is read at a glance */
    for (const tx of $$('[data-view] > text', svg)) {
      const v = tx.textContent.trim();
      if (v === 'R' || v === 'L') {
        tx.classList.add('side-letter');
        tx.setAttribute('aria-label', v === 'R' ? t('chart.patient-right') : t('chart.patient-left'));
      }
    }
    return svg;
  };
  const svg = dress(document.importNode(pristine, true), t('chart.label'));
  const byId = new Map();
  const all = [];
  const keep = (els) => { for (const el of els) { all.push(el); if (!byId.has(el.dataset.region)) byId.set(el.dataset.region, []); byId.get(el.dataset.region).push(el); } };
  const mainEls = prepare(svg, interactive, false);
  keep(mainEls);
  const box = h('div', { class: 'chart-svg' + (interactive ? ' interactive' : '') });
  box.append(svg);

  /* What a tap at (cx, cy) on copy `s` marks: the region under it, else the nearest within
  ** tolPx of its edge (a finger need not land exactly on a small region). */
  function hitAt(s, els, cx, cy, tolPx = 26) {
    const top = document.elementFromPoint(cx, cy);
    const on = top && top.closest && top.closest('ellipse.region');
    if (on && s.contains(on)) return on;
    if (!top || !s.contains(top)) return null;
    let best = null, bestD = Infinity;
    const inv = new Map();   /* one transform per view, not one per region */
    for (const el of els) {
      const g = el.parentNode;
      if (!inv.has(g)) { const m = el.getScreenCTM(); inv.set(g, m && [m, m.inverse()]); }
      const mm = inv.get(g);
      if (!mm) continue;
      const [m, mi] = mm;
      const p = new DOMPoint(cx, cy).matrixTransform(mi);
      const ex = +el.getAttribute('cx'), ey = +el.getAttribute('cy');
      const rx = +el.getAttribute('rx') || 1, ry = +el.getAttribute('ry') || 1;
      const dx = p.x - ex, dy = p.y - ey, th = Math.atan2(dy, dx);
      const r = (rx * ry) / Math.hypot(ry * Math.cos(th), rx * Math.sin(th));
      const d = (Math.hypot(dx, dy) - r) * Math.abs(m.a || 1);
      if (d < bestD) { bestD = d; best = el; }
    }
    return bestD <= tolPx ? best : null;
  }

  let lens = null;   /* {wrap, svg, els, at: [x, y] in chart units} while the magnifier is on */
  const lensBox = h('div', { class: 'chart-lens-box no-print', hidden: true });
  const lensBtn = magnifiable ? h('button', { type: 'button', class: 'lens-toggle no-print', 'aria-pressed': 'false',
    onclick: () => setLens(!lens) }, t('chart.magnifier')) : null;
  const lensHint = h('p', { class: 'small muted lens-hint', hidden: true }, t(interactive ? 'chart.magnifier-hint' : 'chart.magnifier-hint-view'));
  /* The point of the chart (its own units) under a screen point. */
  const toChart = (s, cx, cy) => { const m = s.getScreenCTM(); const p = new DOMPoint(cx, cy).matrixTransform(m.inverse()); return [p.x, p.y]; };
  function lensAt(x, y) {
    if (!lens) return;
    const r = lens.wrap.getBoundingClientRect();
    const k = interactive ? LENS_SCALE : VIEW_SCALE;
    const w = r.width / k, hgt = r.height / k;
    lens.at = [x, y];
    lens.svg.setAttribute('viewBox', `${(x - w / 2).toFixed(2)} ${(y - hgt / 2).toFixed(2)} ${w.toFixed(2)} ${hgt.toFixed(2)}`);
    /* the frame on the overview shows where the magnifier looks */
    frame.setAttribute('x', (x - w / 2).toFixed(2)); frame.setAttribute('y', (y - hgt / 2).toFixed(2));
    frame.setAttribute('width', w.toFixed(2)); frame.setAttribute('height', hgt.toFixed(2));
  }
  const frame = svgEl('rect', { class: 'lens-frame', 'pointer-events': 'none', fill: 'none' });
  function setLens(on) {
    if (on && !lens) {
      const ls = dress(document.importNode(pristine, true), t('chart.lens-label'));
      ls.setAttribute('preserveAspectRatio', 'xMidYMid meet');
      const els = prepare(ls, interactive, true);
      const lw = h('div', { class: 'chart-svg chart-lens' + (interactive ? ' interactive' : ''), id: 'chart-lens' });
      lw.append(ls);
      lensBox.replaceChildren(lw);
      lensBox.hidden = false; lensHint.hidden = false;
      wrap.classList.add('lens-on');
      lens = { wrap: lw, svg: ls, els, at: null };
      keep(els);
      if (interactive) wire(ls, els, true);
      ls.myomapHit = (x, y) => { const el = hitAt(ls, els, x, y); return el && el.dataset.region; };
      svg.append(frame);
      const f = document.activeElement && document.activeElement.closest && document.activeElement.closest('ellipse.region');
      const x = zones && zones.at && byId.get(zones.at);
      lensAt(...(f && svg.contains(f) ? toChart(svg, ...centre(f)) : x ? toChart(svg, ...centre(x[0])) : [110, 100]));
      chart.refresh();
    } else if (!on && lens) {
      for (const el of lens.els) { const i = all.indexOf(el); if (i >= 0) all.splice(i, 1); const list = byId.get(el.dataset.region); list.splice(list.indexOf(el), 1); }
      lens = null;
      lensBox.replaceChildren(); lensBox.hidden = true; lensHint.hidden = true;
      wrap.classList.remove('lens-on');
      frame.remove();
    }
    if (lensBtn) lensBtn.setAttribute('aria-pressed', String(!!lens));
  }
  function wire(s, els, inLens) {
    s.addEventListener('click', (ev) => {
      if (lens && !inLens) {   /* with the magnifier on, a tap on the overview moves it there */
        lensAt(...toChart(svg, ev.clientX, ev.clientY));
        return;
      }
      let el = ev.target.closest && ev.target.closest('ellipse.region');
      if (!el) el = hitAt(s, els, ev.clientX, ev.clientY);
      if (el) opts.onPick(el.getAttribute('data-region'), el);
    });
    s.addEventListener('keydown', (ev) => {
      const el = ev.target.closest && ev.target.closest('ellipse.region');
      if (!el) return;
      if (ev.key === 'Enter' || ev.key === ' ' || ev.key === 'Spacebar') {
        ev.preventDefault();
        opts.onPick(el.getAttribute('data-region'), el);
      } else if (/^Arrow(Left|Right|Up|Down)$/.test(ev.key)) {
        const next = neighbour(el, els, ev.key);
        ev.preventDefault();
        if (next) next.focus();
      }
    });
    s.addEventListener('focusin', (ev) => {
      const el = ev.target.closest && ev.target.closest('ellipse.region');
      if (el && lens && !inLens) lensAt(...toChart(svg, ...centre(el)));
      if (el && lens && inLens) {   /* the arrow keys went past the magnifier's edge: follow */
        const b = el.getBoundingClientRect(), r = lens.wrap.getBoundingClientRect();
        if (b.left < r.left || b.right > r.right || b.top < r.top || b.bottom > r.bottom) lensAt(...toChart(lens.svg, ...centre(el)));
      }
    });
  }
  if (interactive) wire(svg, mainEls, false);
  else if (magnifiable) svg.addEventListener('click', (ev) => { if (lens) lensAt(...toChart(svg, ev.clientX, ev.clientY)); });
  /* for tests: what a tap at a screen point would mark on this copy */
  svg.myomapHit = (x, y) => { const el = hitAt(svg, mainEls, x, y); return el && el.dataset.region; };

  const wrap = h('div', { class: 'chart-box' },
    h('div', { class: 'chart-captions' },
      h('div', { class: 'cap-front' }, t(opts.own ? 'chart.own-front' : 'chart.cap-front'), h('span', { class: 'side' }, t(opts.own ? 'chart.own-front-side' : 'chart.cap-front-side'))),
      h('div', { class: 'cap-back' }, t(opts.own ? 'chart.own-back' : 'chart.cap-back'), h('span', { class: 'side' }, t(opts.own ? 'chart.own-back-side' : 'chart.cap-back-side')))),
    box,
    magnifiable ? h('div', { class: 'lens-bar no-print' }, lensBtn, lensHint) : null,
    lensBox,
    opts.legend || null);

  let painMarks = [], painOutline = false, selectedId = null, zones = null;
  const chart = {
    el: wrap, svg, byId,
    /* the magnifier: on or off; centred on region id (or a chart point) */
    magnify(on, id) {
      setLens(on);
      if (on && id && byId.get(id)) lensAt(...toChart(svg, ...centre(byId.get(id)[0])));
      return lens && { svg: lens.svg, hit: (x, y) => { const el = hitAt(lens.svg, lens.els, x, y); return el && el.dataset.region; } };
    },
    refresh() { chart.setPain(painMarks, painOutline); chart.select(selectedId); chart.showZones(zones); },
    /* marks [{region,intensity}]: filled red, more opaque when stronger; outline: dashed ring */
    setPain(marks, outline = false) {
      painMarks = marks || []; painOutline = outline;
      for (const el of all) {
        el.classList.remove('pain', 'pain-outline');
        el.style.fillOpacity = '';
        el.removeAttribute('aria-pressed');
        if (interactive) el.setAttribute('aria-label', regionAria(el));
      }
      for (const m of painMarks) {
        for (const el of byId.get(m.region) || []) {
          if (outline) { el.classList.add('pain-outline'); continue; }
          el.classList.add('pain');
          const i = m.intensity === undefined || m.intensity === null || m.intensity < 0 ? 5 : m.intensity;
          el.style.fillOpacity = String(0.15 + 0.075 * i);
          if (interactive) {
            el.setAttribute('aria-pressed', 'true');
            el.setAttribute('aria-label', regionAria(el, i));
          }
        }
      }
    },
    select(id) {
      selectedId = id;
      for (const el of all) el.classList.toggle('selected', el.getAttribute('data-region') === id);
    },
    /* z {at, essential[], spillover[]}: the point as an X, essential zone solid, spillover stippled */
    showZones(z) {
      chart.clearZones();
      zones = z || null;
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
      zones = null;
      for (const el of all) el.classList.remove('zone-essential', 'zone-spillover');
      $$('.tp-x', wrap).forEach((g) => g.remove());
    },
  };
  return chart;
}

export function regionPicker(onPick) {
  const ids = Array.from(regionLabels.keys()).sort((a, b) => labelOf(a).localeCompare(labelOf(b)));
  const sel = h('select', { 'aria-label': t('chart.pick-label') },
    h('option', { value: '' }, t('chart.pick-placeholder')),
    ids.map((id) => h('option', { value: id }, `${labelOf(id)} (${id})`)));
  return h('div', { class: 'region-pick no-print' }, sel,
    h('button', { type: 'button', onclick: () => { if (sel.value) { onPick(sel.value); sel.value = ''; } } }, t('chart.pick-mark')));
}
