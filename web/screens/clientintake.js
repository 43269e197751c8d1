/* clientintake.js: on the intake screen, the latest intake that the client filled on their own
** phone (its link, /i/TOKEN; intake.source "client"), marked "filled by the client", with its
** red-flag screen's verdict; Open shows its ranked sources as a drawing made here would. */

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { go, save, state } from '../lib/state.js';
import { t } from '../lib/i18n.js';
import { screenBanner } from './sources.js';
import { vocabulary } from '../lib/vocab.js';

export async function clientIntakeCard(clientId) {
  let c;
  try { c = await api('GET', `/api/clients/${clientId}`); } catch { return null; }
  const mine = (c.intakes || []).filter((x) => x.source === 'client');
  if (!mine.length) return null;
  const x = mine.reduce((a, b) => (b.id > a.id ? b : a));
  const where = x.where || {};
  await vocabulary();   /* the banner's words */
  return h('section', { class: 'card', id: 'client-intake' },
    h('h2', {}, t('intake.by-client')),
    h('p', {}, t('intake.by-client-text', { date: x.date || '', n: (x.pain || []).length })),
    screenBanner(where.screen),
    h('button', { type: 'button', class: 'primary', id: 'open-client-intake', onclick: () => {
      state.intake = { id: x.id, date: x.date, screen: where.screen, where, byClient: true,
        drawing: (x.pain || []).map((p) => ({ region: p.region, intensity: p.intensity, quality: p.quality || '' })) };
      state.ticked = [];
      delete state.plan;
      save();
      go('sources/' + clientId);
    } }, t('intake.open-by-client')));
}
