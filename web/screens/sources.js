/* sources.js: the ranked trigger points with their zones on the chart, and palpation findings. */

import { api } from '../lib/api.js';
import { labelOf, makeChart } from '../lib/chart.js';
import { $$, action, h, showError, showMsg } from '../lib/dom.js';
import { capital, human, sideName, sourceCite, sourceName, today } from '../lib/format.js';
import { ensureClient, go, renderNav, save, state } from '../lib/state.js';
import { vocabNow, vocabulary } from '../lib/vocab.js';
import { t } from '../lib/i18n.js';

/* A screen item (src/screen.c: its id, reason and advice) in this page's language: the
** vocabulary's words for it (GET /api/vocabulary, read by the screens that show a banner), else
** the answer's own. */
const item = (f) => vocabNow()?.screen?.get(f.id);
const flagName = (f) => item(f)?.label || human(f.id);
const flagText = (f, k) => (f[k] ? item(f)?.[k] || f[k] : '');
export function screenBanner(screen) {
  if (!screen) return null;
  const flags = screen.flags || [];
  const level = screen.level || (screen.refer ? 'refer' : 'none');
  const out = [];
  if (screen.refer || level === 'refer' || level === 'urgent' || level === 'emergency') {
    out.push(h('div', { class: 'banner refer', id: 'screen-result', role: 'alert' },
      h('strong', { class: 'big' }, level === 'urgent' || level === 'emergency' ? t('sources.urgent') : t('sources.refer')),
      h('p', {}, t('sources.refer-text')),
      h('ul', {}, flags.map((f) => h('li', {}, h('strong', {}, flagName(f)), t('screen.colon'), flagText(f, 'reason'), ' ', f.advice ? h('em', {}, flagText(f, 'advice')) : null)))));
  } else if (flags.length) {
    out.push(h('div', { class: 'banner caution', id: 'screen-result' },
      h('strong', {}, t('sources.caution')), h('ul', {}, flags.map((f) => h('li', {}, h('strong', {}, flagName(f)), t('screen.colon'), flagText(f, 'reason'), ' ', flagText(f, 'advice'))))));
  } else {
    out.push(h('div', { class: 'banner clear', id: 'screen-result' }, h('strong', {}, t('sources.clear')), t('sources.clear-text')));
  }
  /* the questions not asked are not answers no: the result says which */
  const notAsked = screen.not_asked || [];
  if (notAsked.length) out[0].append(h('p', { id: 'screen-not-asked' }, t('sources.not-asked', { list: notAsked.map(human).join(', ') })));
  const s = screen.soreness;
  if (s) {
    const verdict = { 'trigger-point': t('sources.verdict-tp'),
      soreness: t('sources.verdict-soreness'),
      unclear: t('sources.verdict-unclear') }[s.verdict] || human(s.verdict);
    out.push(h('details', { class: 'card' }, h('summary', {}, h('strong', {}, t('sources.tp-or-soreness')), verdict),
      h('table', {}, h('tbody', {}, (s.comparison || []).map((c) => h('tr', {},
        h('th', {}, human(c.characteristic)), h('td', {}, c.finding), h('td', {}, t('sources.favours', { what: human(c.favours) }))))))));
  }
  return out;
}

const candKey = (c) => `${c.trigger_point}:${c.side}`;
const regionList = (ids) => (ids && ids.length ? ids.map(labelOf).join(', ') : '—');
const candName = (c) => `${c.muscle_name || human(c.muscle)}${sideName(c.side) ? ', ' + sideName(c.side) : ''}`;

/* Palpation: the states `myomap assess` and POST /api/clients/ID/findings accept (src/record.c
** record_finding_parse), and "" for a candidate not palpated, which is never sent. */
const PALP_STATES = () => [['', t('sources.not-checked')], ['active', t('sources.active')], ['latent', t('sources.latent')]];
/* A finding as the API words it: "upper-trapezius-tp1:l:active:referral:ppt=2.5" (no side on
** the midline). */
function findingWord(tp, side, f) {
  return [tp, side === 'mid' ? null : side, f.state, f.referral ? 'referral' : null,
    f.ppt !== null ? `ppt=${f.ppt}` : null].filter(Boolean).join(':');
}
const sameFinding = (a, b) => !!a && !!b && a.state === b.state && !!a.referral === !!b.referral && (a.ppt ?? null) === (b.ppt ?? null);
function findingText(f) {
  return [f.state, f.referral ? t('sources.referral-yes') : t('sources.referral-no'),
    f.ppt !== null && f.ppt !== undefined ? t('sources.ppt', { n: f.ppt }) : null].filter(Boolean).join(', ');
}
/* The client's stored findings of `date`: "tp:side" -> its latest finding (the list is newest
** first, so the first row of a point is the one that counts). */
async function storedFindings(clientId, date) {
  const r = await api('GET', `/api/clients/${clientId}/findings`);
  const out = new Map();
  for (const f of r.findings || []) {
    const key = `${f.tp}:${f.side}`;
    if (f.date === date && !out.has(key)) out.set(key, f);
  }
  return out;
}

export default async function view(arg) {
  const client = await ensureClient(arg);
  if (!state.intake) return [h('h1', {}, t('nav.sources')), h('p', {}, t('sources.no-intake'), h('a', { href: '#/intake/' + client.id }, t('sources.draw-first')), '.')];
  const where = state.intake.where || {};
  const cands = where.candidates || [];
  const zones = where.zones || {};
  state.ticked = state.ticked || [];
  /* findings are recorded on the intake's day; what is stored for it is shown again */
  const date = state.intake.date || (state.answers && state.answers.date) || today();
  let stored = new Map();
  try { stored = await storedFindings(client.id, date); } catch (e) { if (e.status === 401) throw e; showError(e); }
  /* points found active go to the plan, unless the therapist has chosen points already */
  if (!state.ticked.length) {
    for (const c of cands) { const f = stored.get(candKey(c)); if (f && f.state === 'active') state.ticked.push(candKey(c)); }
    save();
  }
  const legend = h('div', { class: 'chart-legend' },
    h('span', {}, h('i', { class: 'sw x' }, '✕'), t('sources.legend-x')),
    h('span', {}, h('i', { class: 'sw ess' }), t('sources.legend-ess')),
    h('span', {}, h('i', { class: 'sw spill' }), t('sources.legend-spill')),
    h('span', {}, h('i', { class: 'sw painline' }), t('sources.legend-pain')));
  const chart = await makeChart({ legend, magnifier: true });
  chart.setPain(state.intake.drawing || state.drawing || [], true);
  const voc = await vocabulary();
  const top = cands.length ? Math.max(...cands.map((c) => c.score || 0)) || 1 : 1;
  let active = null;
  /* the score as a share of the best candidate's: a bar and its words, never the raw number */
  const fitPct = (c) => Math.max(2, Math.round(100 * (c.score || 0) / top));
  const fitText = (c) => (fitPct(c) >= 100 ? t('sources.fit-top') : t('sources.fit', { pct: fitPct(c) }));
  const zoneFor = (c) => zones[candKey(c)] || { at: null, essential: c.essential || [], spillover: c.spillover || [] };
  const caption = h('p', { class: 'muted', id: 'zone-caption', 'aria-live': 'polite' }, t('sources.hover'));
  function show(c, li) {
    chart.showZones(c ? zoneFor(c) : null);
    $$('.cand', ul).forEach((x) => x.classList.toggle('active', x === li));
    caption.textContent = c ? t('sources.caption', { name: candName(c), at: zoneFor(c).at ? ' (' + labelOf(zoneFor(c).at) + ')' : '' }) : t('sources.hover');
  }
  const palps = [];   // per candidate: {c, key, box, sel, ref, ppt, shown, li}
  const palpStatus = h('span', { class: 'palp-status', id: 'palp-status', role: 'status' },
    stored.size ? t('sources.stored-shown', { date }) : '');
  const setTick = (key, on) => {
    state.ticked = state.ticked.filter((k) => k !== key);
    if (on) state.ticked.push(key);
    save(); renderNav(t('sources.sources')); planBtn.disabled = !state.ticked.length;
  };
  /* the stored finding of a candidate, beside its controls */
  const showStored = (p) => {
    const f = stored.get(p.key);
    p.shown.textContent = f ? t('sources.stored', { date, what: findingText(f) }) : '';
    if (f) p.li.dataset.palp = f.state; else delete p.li.dataset.palp;
  };
  function palpControls(c, key, i, box) {
    const f = stored.get(key);
    const name = candName(c);
    const sel = h('select', { id: `palp-state-${i}`, class: 'palp-state' },
      PALP_STATES().map(([v, l]) => h('option', { value: v }, l)));
    sel.value = f ? f.state : '';
    const ref = h('input', { type: 'checkbox', id: `palp-ref-${i}`, class: 'palp-referral', checked: f && f.referral });
    const ppt = h('input', { type: 'number', id: `palp-ppt-${i}`, class: 'palp-ppt', min: 0, max: 20, step: 0.1,
      inputmode: 'decimal', value: f && f.ppt !== null ? f.ppt : '' });
    const shown = h('p', { class: 'palp-stored small', id: `palp-stored-${i}` });
    const fs = h('fieldset', { class: 'palp', 'aria-describedby': shown.id },
      h('legend', {}, t('sources.palp-legend'), h('span', { class: 'visually-hidden' }, name)),
      h('div', { class: 'palp-row' },
        h('div', { class: 'palp-field' }, h('label', { for: sel.id }, t('sources.finding')), sel),
        h('label', { class: 'check palp-check', for: ref.id }, ref, t('sources.referral-yes')),
        h('div', { class: 'palp-field' }, h('label', { for: ppt.id }, t('sources.ppt-label')), ppt)),
      shown);
    const p = { c, key, box, sel, ref, ppt, shown, li: null };
    fs.addEventListener('input', () => { palpStatus.textContent = t('sources.changed'); });
    palps.push(p);
    return [fs, p];
  }
  async function saveFindings() {
    const words = [], sent = [];
    let checked = 0;
    for (const p of palps) {
      const raw = p.ppt.value.trim();
      if (p.ppt.validity.badInput) throw new Error(t('sources.ppt-nan', { name: candName(p.c) }));
      if (!p.sel.value) {
        if (p.ref.checked || raw) throw new Error(t('sources.need-state', { name: candName(p.c) }));
        continue;
      }
      const ppt = raw === '' ? null : Number(raw);
      if (ppt !== null && !(ppt > 0 && ppt <= 20)) throw new Error(t('sources.ppt-range', { name: candName(p.c) }));
      const f = { state: p.sel.value, referral: p.ref.checked, ppt };
      checked++;
      if (sameFinding(f, stored.get(p.key))) continue;   // stored already: a second row would repeat it
      words.push(findingWord(p.c.trigger_point, p.c.side, f));
      sent.push([p, f]);
    }
    if (!checked) throw new Error(t('sources.none-checked'));
    if (!words.length) { showMsg(t('sources.nothing-new', { date }), 'info'); return; }
    await api('POST', `/api/clients/${client.id}/findings`, { date, findings: words });
    for (const [p, f] of sent) {
      stored.set(p.key, { ...f, date, tp: p.c.trigger_point, side: p.c.side });
      showStored(p);
      if (f.state === 'active' && !p.box.checked) { p.box.checked = true; setTick(p.key, true); }
    }
    const n = (st) => sent.filter(([, f]) => f.state === st).length;
    palpStatus.textContent = t('sources.saved-status', { date });
    showMsg(t('sources.saved-msg', { date, active: n('active'), latent: n('latent') }) + (n('active') ? t('sources.saved-ticked') : ''), 'info');
  }

  const ul = h('ul', { class: 'candidates', id: 'candidates' }, cands.map((c, i) => {
    const key = candKey(c);
    const box = h('input', { type: 'checkbox', checked: state.ticked.includes(key), 'aria-label': t('sources.treat-label', { name: candName(c), point: c.trigger_point_name || '' }) });
    box.addEventListener('change', () => setTick(key, box.checked));
    const [palp, p] = palpControls(c, key, i, box);
    const z = zoneFor(c);
    const li = h('li', { class: 'cand', tabindex: 0, dataset: { key }, 'aria-label': t('sources.cand-label', { n: c.rank, name: candName(c) }) },
      h('div', { class: 'head' },
        h('span', { class: 'rank' }, `${c.rank ?? ''}.`),
        h('div', { style: 'flex:1' },
          h('div', { class: 'title' }, candName(c)),
          h('div', {}, c.trigger_point_name || c.trigger_point),
          h('div', { class: 'bar', role: 'img', 'aria-label': fitText(c) }, h('span', { style: `width:${fitPct(c)}%` })),
          h('div', { class: 'small muted fit' }, fitText(c))),
        h('label', { class: 'treat' }, box, t('sources.treat'))),
      h('dl', {},
        h('dt', {}, t('sources.at')), h('dd', {}, z.at ? labelOf(z.at) : '—'),
        h('dt', {}, t('sources.essential')), h('dd', {}, regionList(c.essential)),
        h('dt', {}, t('sources.spillover')), h('dd', {}, regionList(c.spillover)),
        c.local && c.local.length ? [h('dt', {}, t('sources.local')), h('dd', {}, regionList(c.local))] : null,
        h('dt', {}, t('sources.unexplained')), h('dd', {}, regionList(c.unexplained)),
        c.context && c.context.length ? [h('dt', {}, t('sources.perpetuated')), h('dd', {}, c.context.map((x) => voc.activity.get(x) || human(x)).join('; '))] : null,
        h('dt', {}, t('sources.sources')), h('dd', {}, (c.sources || []).length ? (c.sources || []).map((x, k) => [k ? '; ' : '', h('cite', { title: sourceCite(x) }, sourceName(x))]) : '—')),
      palp);
    p.li = li;
    showStored(p);
    li.addEventListener('pointerenter', (ev) => { if (ev.pointerType === 'mouse') show(c, li); });
    li.addEventListener('pointerleave', (ev) => { if (ev.pointerType === 'mouse') show(active, active ? ul.querySelector(`[data-key="${CSS.escape(candKey(active))}"]`) : null); });
    li.addEventListener('focusin', () => { active = c; show(c, li); });
    li.addEventListener('click', () => { active = c; show(c, li); });
    li.addEventListener('keydown', (ev) => { if ((ev.key === ' ' || ev.key === 'Enter') && ev.target === li) { ev.preventDefault(); box.click(); } });
    return li;
  }));
  /* the differential: the parts of the drawing and the candidates that explain each (where.groups) */
  const groups = where.groups || [];
  const pct = (x) => `${Math.round(100 * (x || 0))}%`;
  const partsBox = groups.length > 1 || (cands.length > 1 && where.explained_best !== undefined && where.explained_best < 0.999)
    ? h('div', { class: 'banner parts', id: 'parts', role: 'note' },
      h('p', {}, h('strong', {}, t('sources.parts')),
        t('sources.parts-text', { best: pct(where.explained_best), n: cands.length, all: pct(where.explained) })),
      h('ul', { class: 'parts-list' }, groups.map((g, gi) => h('li', { class: 'part', dataset: { group: gi } },
        h('strong', {}, capital(g.part)),
        ` (${regionList(g.regions)}): `,
        g.candidates.map((rank, j) => {
          const c = cands[rank - 1];
          if (!c) return null;
          const a = h('a', { href: '#', class: 'part-cand', onclick: (ev) => {
            ev.preventDefault();
            const li = ul.querySelector(`[data-key="${CSS.escape(candKey(c))}"]`);
            if (li) { li.focus(); active = c; show(c, li); }
          } }, `${rank}. ${candName(c)}`);
          return [j ? '; ' : '', a];
        })))))
    : null;
  const planBtn = h('button', { type: 'button', class: 'primary', id: 'to-plan', disabled: !state.ticked.length,
    onclick: () => { if (state.ticked.length) go('plan/' + client.id); } }, t('sources.to-plan'));
  const saveBtn = h('button', { type: 'button', id: 'save-findings', onclick: action(saveFindings) }, t('sources.save'));

  return [
    h('h1', {}, t('sources.title', { name: client.name })),
    screenBanner(state.intake.screen),
    h('div', { class: 'banner notdx' }, where.note || t('sources.notdx'),
      t('sources.confirm')),
    h('div', { class: 'chart-layout' },
      h('div', { class: 'sticky' }, chart.el, caption),
      h('div', {},
        h('h2', {}, t('sources.ranked')),
        partsBox,
        cands.length ? ul : h('p', { class: 'empty' }, t('sources.no-cands')),
        cands.length ? h('div', { class: 'palp-save no-print' },
          h('p', { class: 'small' }, t('sources.record-text', { date })),
          h('div', { class: 'row' }, saveBtn, palpStatus)) : null,
        h('div', { class: 'row no-print' }, planBtn, h('span', { class: 'muted' }, t('sources.tick-hint'))),
        state.intake.screen && state.intake.screen.refer ? h('p', { class: 'banner refer' }, h('strong', {}, t('sources.refer-short')), t('sources.refer-short-text')) : null)),
  ];
}
