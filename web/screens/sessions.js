/* sessions.js: the card of open sessions (resume, cancel), on the clients, intake and session screens. */

import { api } from '../lib/api.js';
import { $, action, h, showMsg, submitter } from '../lib/dom.js';
import { clock } from '../lib/format.js';
import { go, save, setClient, state } from '../lib/state.js';

/* The caller's open sessions (the store keeps them across restarts and devices), each with
** Resume and Cancel; only those of `clientId` when given.  Null when there are none. */
export async function openSessionsCard(clientId) {
  let list = [];
  try { list = (await api('GET', '/api/sessions')).sessions || []; } catch (e) { if (e.status === 401) throw e; return null; }
  if (clientId) list = list.filter((s) => s.client === clientId);
  if (!list.length) return null;
  return h('section', { class: 'card', id: 'open-sessions' }, h('h2', {}, 'Sessions in progress'),
    h('ul', { class: 'plain' }, list.map((s) => h('li', { dataset: { session: s.id } },
      h('strong', {}, s.client_name), ` — started ${clock(s.started)}`, s.step ? `, at step ${s.step}` : ', not begun',
      s.phone ? ' (phone joined)' : '', ' ',
      h('button', { type: 'button', class: 'primary', onclick: () => {
        setClient({ id: s.client, name: s.client_name });
        state.session = { id: s.id, client: s.client }; save();
        go('session/' + encodeURIComponent(s.id));
      } }, 'Resume'), ' ',
      h('button', { type: 'button', onclick: action(async (ev) => {
        const li = ev.currentTarget.closest('li');
        if ($('form', li)) return;
        const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'why (kept in the audit log)', 'aria-label': 'Why cancel this session' });
        const f = h('form', { class: 'row' }, reason, h('button', { type: 'submit' }, 'Cancel without storing a visit'));
        f.addEventListener('submit', submitter(f, async () => {
          await api('POST', `/api/sessions/${encodeURIComponent(s.id)}/cancel`, { reason: reason.value.trim() });
          if (state.session && state.session.id === s.id) { delete state.session; save(); }
          li.remove();
          showMsg('Session cancelled; no visit was stored.', 'info');
        }));
        li.append(f);
        reason.focus();
      }) }, 'Cancel…')))));
}
