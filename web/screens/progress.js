/* progress.js: trends and measures across visits. */

import { api } from '../lib/api.js';
import { field, h, showMsg, submitter } from '../lib/dom.js';
import { human, today } from '../lib/format.js';
import { ensureClient, render } from '../lib/state.js';

export default async function view(arg) {
  const client = await ensureClient(arg);
  let data = null;
  try { data = await api('GET', `/api/clients/${client.id}/progress`); } catch (e) { if (e.status !== 404) throw e; }
  const visits = (data && data.visits) || [];
  const cell = (x) => (x === null || x === undefined ? '—' : x);
  const table = visits.length ? h('table', { id: 'progress-table' },
    h('thead', {}, h('tr', {}, ['Date', 'Visit', 'Pain before', 'Pain after', 'Change from first', 'Painful regions', 'PSFS', 'NDI'].map((t) => h('th', {}, t)))),
    h('tbody', {}, visits.map((v) => {
      const n = v.nprs || {};
      return h('tr', {}, h('td', {}, cell(v.date)), h('td', {}, cell(v.visit)), h('td', {}, cell(n.value)), h('td', {}, cell(n.post)),
        h('td', {}, n.change === undefined || n.change === null ? '—' : `${n.change > 0 ? '+' : ''}${n.change}${n.percent !== undefined && n.percent !== null ? ` (${n.percent}%)` : ''}${(n.flags || []).length ? ' ' + n.flags.map(human).join(', ') : ''}`),
        h('td', {}, v.drawing ? `${cell(v.drawing.count)} (total ${cell(v.drawing.total)})` : '—'),
        h('td', {}, v.psfs && typeof v.psfs === 'object' ? cell(v.psfs.value) : cell(v.psfs)),
        h('td', {}, v.ndi && typeof v.ndi === 'object' ? cell(v.ndi.value) : cell(v.ndi)));
    }))) : h('p', { class: 'empty' }, 'No visits with measures yet.');
  const mform = h('form', { class: 'card no-print', id: 'measure-form' }, h('h2', {}, 'Record a measure'),
    h('div', { class: 'grid2' },
      field('Date', h('input', { type: 'date', name: 'date', value: today() })),
      field('Pain now, 0-10 (NPRS)', h('input', { type: 'number', name: 'nprs', min: 0, max: 10 })),
      field('Neck disability (NDI, 0-50)', h('input', { type: 'number', name: 'ndi', min: 0, max: 50 })),
      field('PSFS activity = score', h('input', { name: 'psfs', placeholder: 'reach overhead=4' }), 'one activity, scored 0-10')),
    h('button', { type: 'submit', class: 'primary' }, 'Save measure'));
  mform.addEventListener('submit', submitter(mform, async (v) => {
    const measures = [];
    if (v.nprs !== '') measures.push({ kind: 'nprs', value: v.nprs });
    if (v.ndi !== '') measures.push({ kind: 'ndi', value: v.ndi });
    if (v.psfs !== '') measures.push({ kind: 'psfs', value: v.psfs });
    if (!measures.length) throw new Error('Fill in at least one measure.');
    await api('POST', `/api/clients/${client.id}/measures`, { date: v.date || today(), measures });
    await render();
    showMsg('Measure saved.', 'info');
  }));
  return [h('h1', {}, 'Progress — ', client.name),
    h('img', { class: 'progress-img', id: 'progress-svg', src: `/api/clients/${client.id}/progress.svg?t=${Date.now()}`, alt: 'Progress charts: pain and other measures over visits, and a heat map of the pain drawings' }),
    h('h2', {}, 'Visits'), table,
    data && data.thresholds ? h('details', {}, h('summary', {}, 'What counts as a clinically important change'),
      h('ul', {}, data.thresholds.map((t) => h('li', {}, `${t.measure}: ${t.test} — ${t.meaning}`)))) : null,
    mform];
}
