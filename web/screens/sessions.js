/* sessions.js: the card of open sessions (resume, cancel), on the clients, intake and session screens. */

import { api } from '../lib/api.js';
import { $, action, h, showMsg, submitter } from '../lib/dom.js';
import { clock } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { go, save, setClient, state } from '../lib/state.js';

/* The caller's open sessions (the store keeps them across restarts and devices), each with
** Resume and Cancel; only those of `clientId` when given.  Null when there are none. */
export async function openSessionsCard(clientId) {
  let list = [];
  try { list = (await api('GET', '/api/sessions')).sessions || []; } catch (e) { if (e.status === 401) throw e; return null; }
  if (clientId) list = list.filter((s) => s.client === clientId);
  if (!list.length) return null;
  return h('section', { class: 'card', id: 'open-sessions' }, h('h2', {}, t('sessions.title')),
    h('ul', { class: 'plain' }, list.map((s) => h('li', { dataset: { session: s.id } },
      h('strong', {}, s.client_name), ' — ', t('sessions.started', { when: clock(s.started) }), s.step ? t('sessions.at-step', { n: s.step }) : t('sessions.not-begun'),
      s.phone ? t('sessions.phone-joined') : '', ' ',
      h('button', { type: 'button', class: 'primary', onclick: () => {
        setClient({ id: s.client, name: s.client_name });
        state.session = { id: s.id, client: s.client }; save();
        go('session/' + encodeURIComponent(s.id));
      } }, t('sessions.resume')), ' ',
      h('button', { type: 'button', onclick: action(async (ev) => {
        const li = ev.currentTarget.closest('li');
        if ($('form', li)) return;
        const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: t('sessions.why'), 'aria-label': t('sessions.why-label') });
        const f = h('form', { class: 'row' }, reason, h('button', { type: 'submit' }, t('sessions.cancel-confirm')));
        f.addEventListener('submit', submitter(f, async () => {
          await api('POST', `/api/sessions/${encodeURIComponent(s.id)}/cancel`, { reason: reason.value.trim() });
          if (state.session && state.session.id === s.id) { delete state.session; save(); }
          li.remove();
          showMsg(t('sessions.cancelled'), 'info');
        }));
        li.append(f);
        reason.focus();
      }) }, t('sessions.cancel'))))));
}
