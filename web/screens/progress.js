/* progress.js: trends and measures across visits. */

import { api } from '../lib/api.js';
import { field, h, showMsg, submitter, tableWrap } from '../lib/dom.js';
import { human, today } from '../lib/format.js';
import { ensureClient, render } from '../lib/state.js';
import { t } from '../lib/i18n.js';

export default async function view(arg) {
  const client = await ensureClient(arg);
  let data = null;
  try { data = await api('GET', `/api/clients/${client.id}/progress`); } catch (e) { if (e.status !== 404) throw e; }
  const visits = (data && data.visits) || [];
  const cell = (x) => (x === null || x === undefined ? '—' : x);
  const table = visits.length ? tableWrap(t('progress.visits'), h('table', { id: 'progress-table' },
    h('thead', {}, h('tr', {}, ['date', 'visit', 'pain-before', 'pain-after', 'change', 'regions', 'psfs', 'ndi'].map((k) => h('th', {}, t('progress.col-' + k))))),
    h('tbody', {}, visits.map((v) => {
      const n = v.nprs || {};
      const at = v.started ? new Date(v.started) : null;
      return h('tr', {}, h('td', {}, cell(v.date), at && !isNaN(at) ? ' ' + at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : ''), h('td', {}, cell(v.visit)), h('td', {}, cell(n.value)), h('td', {}, cell(n.post)),
        h('td', {}, n.change === undefined || n.change === null ? '—' : `${n.change > 0 ? '+' : ''}${n.change}${n.percent !== undefined && n.percent !== null ? ` (${n.percent}%)` : ''}${(n.flags || []).length ? ' ' + n.flags.map(human).join(', ') : ''}`),
        h('td', {}, v.drawing ? t('progress.regions', { n: cell(v.drawing.count), total: cell(v.drawing.total) }) : '—'),
        h('td', {}, v.psfs && typeof v.psfs === 'object' ? cell(v.psfs.value) : cell(v.psfs)),
        h('td', {}, v.ndi && typeof v.ndi === 'object' ? cell(v.ndi.value) : cell(v.ndi)));
    })))) : h('p', { class: 'empty' }, t('progress.empty'));
  const mform = h('form', { class: 'card no-print', id: 'measure-form' }, h('h2', {}, t('progress.record')),
    h('div', { class: 'grid2' },
      field(t('progress.date'), h('input', { type: 'date', name: 'date', value: today() })),
      field(t('progress.nprs'), h('input', { type: 'number', name: 'nprs', min: 0, max: 10 })),
      field(t('progress.ndi'), h('input', { type: 'number', name: 'ndi', min: 0, max: 50 })),
      field(t('progress.psfs'), h('input', { name: 'psfs', placeholder: t('progress.psfs-example') }), t('progress.psfs-hint'))),
    h('button', { type: 'submit', class: 'primary' }, t('progress.save')));
  mform.addEventListener('submit', submitter(mform, async (v) => {
    const measures = [];
    if (v.nprs !== '') measures.push({ kind: 'nprs', value: v.nprs });
    if (v.ndi !== '') measures.push({ kind: 'ndi', value: v.ndi });
    if (v.psfs !== '') measures.push({ kind: 'psfs', value: v.psfs });
    if (!measures.length) throw new Error(t('progress.fill-one'));
    await api('POST', `/api/clients/${client.id}/measures`, { date: v.date || today(), measures });
    await render();
    showMsg(t('progress.saved'), 'info');
  }));
  return [h('h1', {}, t('progress.title', { name: client.name })),
    h('img', { class: 'progress-img', id: 'progress-svg', src: `/api/clients/${client.id}/progress.svg?t=${Date.now()}`, alt: t('progress.img-alt') }),
    h('h2', {}, t('progress.visits')), table,
    data && data.thresholds ? h('details', {}, h('summary', {}, t('progress.thresholds')),
      h('ul', {}, data.thresholds.map((x) => h('li', {}, `${x.measure}: ${x.test} — ${x.meaning}`)))) : null,
    mform];
}
