/* session.js: the session room: the hold timer, the client's ratings live from the phone, the recheck. */

import { api } from '../lib/api.js';
import { $, $$, action, field, h, showMsg, submitter } from '../lib/dom.js';
import { human, range, sideName } from '../lib/format.js';
import { ensureClient, go, onLeave, renderNav, router, save, state } from '../lib/state.js';
import { openSessionsCard } from './sessions.js';

const EVENT_BUTTONS = [['more', 'More'], ['less', 'Less'], ['good', 'Good'], ['released', 'Released'], ['stop', 'Stop'],
  ['sharp', 'Sharp'], ['tingling', 'Tingling'], ['referral', 'Referral'], ['bracing', 'Bracing'], ['numb', 'Numb'], ['shooting', 'Shooting']];
const ADVICE_KIND = (a) => (/^(stop|too-sensitive|max|client-stop)/.test(a || '') ? 'stop' : /^ease|less/.test(a || '') ? 'warn' : '');

export default async function view(arg) {
  const gen = router.gen;
  const sid = arg || (state.session && state.session.id);
  if (!sid) return [h('h1', {}, 'Session'), (await openSessionsCard()) || h('p', {}, 'No session running. Start one from a plan.')];
  let st = await api('GET', `/api/sessions/${encodeURIComponent(sid)}`);
  const base = `/api/sessions/${encodeURIComponent(sid)}`;
  /* a new tab, another device or a reload: the client first (choosing one clears the session) */
  if (st.client && (!state.client || state.client.id !== st.client)) { try { await ensureClient(st.client); } catch { /* name only */ } }
  if (!state.session || state.session.id !== sid) { state.session = { id: sid, client: st.client }; save(); }
  if (st.ended && st.cancelled) return [h('h1', {}, 'Session'), h('div', { class: 'banner caution' }, 'This session was cancelled; no visit was stored.')];
  if (st.ended) {
    const v = st.visit || state.visit;
    if (v) { state.visit = v; save(); }
    return [h('h1', {}, 'Session'), h('div', { class: 'banner caution' }, 'This session has ended and is stored',
      v ? [' as visit ', String(v), '. ', h('a', { href: '#/notes/' + v }, 'Open its SOAP note')] : '', '.')];
  }
  const plan = st.plan || state.session.plan || state.plan || { steps: [] };
  const join = state.session.join || st.join || {};
  const stepBy = new Map((plan.steps || []).map((s) => [s.n, s]));

  /* phone */
  const phoneStatus = h('span', { class: 'status', id: 'phone-status' });
  const setPhone = (on) => { phoneStatus.classList.toggle('on', !!on); phoneStatus.textContent = on ? 'Phone connected' : 'Phone not connected yet'; };
  setPhone(st.phone);
  const joinUrl = join.url || (join.token ? `${location.origin}/p/${join.token}` : '');
  const phoneCard = h('section', { class: 'card' }, h('h2', {}, 'Client\'s phone'),
    h('div', { class: 'qr' }, h('img', { src: `${base}/qr.svg`, alt: 'QR code of the join link', width: 200, height: 200 })),
    joinUrl ? h('p', {}, 'Scan, or open: ', h('a', { href: joinUrl, class: 'joinurl', id: 'join-url', target: '_blank', rel: 'noopener' }, joinUrl))
      : h('p', {}, 'Scan the code with the client\'s phone.'),
    /^https?:\/\/(127\.|localhost|\[::1\])/.test(joinUrl)
      ? h('p', { class: 'small muted', id: 'join-local' }, 'This link points at this computer only. For a phone on the clinic\'s network, start the server with ',
          h('code', {}, 'myomap serve --listen 0.0.0.0:8080 --public-url http://ADDRESS:8080'), ' (ADDRESS: this computer\'s address on that network).')
      : null,
    phoneStatus);

  /* pain before / after */
  const scaleRow = (name, cur, fn) => h('div', { class: 'scale', role: 'group', 'aria-label': name },
    Array.from({ length: 11 }, (_, i) => h('button', { type: 'button', 'aria-pressed': cur === i ? 'true' : 'false', dataset: { value: i },
      onclick: action(async (ev) => { const row = ev.currentTarget.parentNode; await fn(i); $$('button', row).forEach((b) => b.setAttribute('aria-pressed', String(+b.dataset.value === i))); }) }, String(i))));
  const preCard = h('section', { class: 'card', id: 'pain-pre' }, h('h2', {}, 'Pain before (0-10)'),
    scaleRow('Pain before', st.pain_pre, async (i) => { st = await api('POST', `${base}/pre`, { pain: i }); }));

  /* steps */
  const stepsList = h('ul', { class: 'steps-list', id: 'steps' }, (plan.steps || []).map((s) => h('li', { dataset: { step: s.n } },
    h('div', {}, h('strong', {}, `${s.n}. ${s.phase}`), ' ', human(s.muscle), s.side ? ', ' + sideName(s.side) : '',
      s.timed ? h('div', { class: 'small muted' }, `${s.technique ? (s.technique.label || human(s.technique.id)) + ' · ' : ''}hold ${range(s.hold)} s · target ${range(s.band)}/10`) : null),
    s.timed ? h('button', { type: 'button', class: 'primary start-hold', onclick: action(async () => {
      st = await api('POST', `${base}/hold`, { step: s.n });
      setHold(st.hold);
      feedItem('you', `hold started: step ${s.n}`, 'mine');
    }) }, 'Start hold') : null)));

  /* the hold */
  const holdTitle = h('h2', { id: 'hold-title' }, 'No hold running');
  const timer = h('span', { class: 'timer', id: 'hold-timer', role: 'timer', 'aria-live': 'off' }, '0');
  const timerOf = h('span', { class: 'timer-of' }, '');
  const holdInfo = h('div', { id: 'hold-info', class: 'muted' }, 'Start a hold from the steps list.');
  const track = h('div', { class: 'track', 'aria-hidden': 'true' }, h('div', { class: 'win' }), h('div', { class: 'now' }));
  const lastFb = h('div', { id: 'hold-last' });
  const outcome = h('div', { class: 'outcome', id: 'hold-outcome', 'aria-live': 'polite' });
  const advice = h('div', { class: 'advice', id: 'advice', 'aria-live': 'assertive' }, 'Advice appears here during a hold.');
  const feed = h('ul', { class: 'feed', id: 'feed', 'aria-live': 'polite', 'aria-label': 'Live feed' });
  let hold = null, t0 = 0, tickTimer = null;

  const running = (x) => x && (!x.outcome || x.outcome === 'open');
  function setHold(x) {
    hold = x || null;
    if (!hold) {
      holdTitle.textContent = 'No hold running';
      holdInfo.textContent = 'Start a hold from the steps list.';
      timer.textContent = '0'; timerOf.textContent = ''; outcome.textContent = ''; lastFb.textContent = '';
      return;
    }
    const s = stepBy.get(hold.step) || {};
    const tech = s.technique ? (s.technique.label || human(s.technique.id)) : human(hold.technique);
    holdTitle.textContent = `Step ${hold.step}: ${human(hold.muscle || s.muscle)}${hold.side || s.side ? ', ' + sideName(hold.side || s.side) : ''}`;
    holdInfo.textContent = `${tech} · hold ${range(hold.hold)} s · target band ${range(hold.band)}/10`;
    t0 = performance.now() - (Number(hold.t) || 0) * 1000;
    lastFb.textContent = hold.last !== undefined && hold.last !== null && hold.last >= 0 ? `Last rating: ${hold.last}/10` : 'No rating yet';
    outcome.textContent = running(hold) ? '' : `Hold ended: ${human(hold.outcome)}${hold.reason ? ' (' + human(hold.reason) + ')' : ''} after ${Math.round(hold.t || 0)} s`;
    $$('li', stepsList).forEach((li) => li.classList.toggle('current', +li.dataset.step === hold.step));
    const adv = Array.isArray(hold.advice) ? hold.advice[hold.advice.length - 1] : hold.advice;
    if (adv && typeof adv === 'object' && adv.text) setAdvice(adv.advice || '', adv.text);
    tick();
  }
  function tick() {
    if (!hold) return;
    const [mn, mx] = hold.hold || [0, 0];
    const t = running(hold) ? (performance.now() - t0) / 1000 : Number(hold.t) || 0;
    const shown = Math.min(Math.floor(t), mx || Infinity);
    timer.textContent = String(shown);
    timer.classList.toggle('inrange', t >= mn && t < mx);
    timer.classList.toggle('over', mx > 0 && t >= mx);
    timer.setAttribute('aria-label', `${shown} seconds of ${mn} to ${mx}`);
    timerOf.textContent = `s  ·  shortest ${mn} s, longest ${mx} s${t < mn ? '' : t < mx ? '  ·  release when it softens' : ''}`;
    if (mx > 0) {
      track.querySelector('.win').style.cssText = `left:${100 * mn / mx}%;right:0`;
      track.querySelector('.now').style.left = `${Math.min(100, 100 * t / mx)}%`;
    }
  }
  tickTimer = setInterval(tick, 250);
  onLeave(() => clearInterval(tickTimer), gen);

  function setAdvice(name, text) {
    advice.textContent = text;
    advice.className = 'advice ' + ADVICE_KIND(name);
    advice.dataset.advice = name || '';
  }
  function feedItem(src, text, cls) {
    const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    feed.prepend(h('li', { class: cls || null }, h('span', { class: 'src' }, src), ' ', text, ' ', h('span', { class: 'muted small' }, time)));
    while (feed.children.length > 80) feed.lastChild.remove();
  }
  const evText = (d) => (d.event === 'feedback' || d.value !== undefined && !d.event ? `${d.value}/10` : human(d.event || ''));

  async function sendEvent(ev) {
    const r = await api('POST', `${base}/event`, ev);
    if (r && r.advice && (r.advice.text || r.advice.advice)) setAdvice(r.advice.advice, r.advice.text || human(r.advice.advice));
    if (r && r.hold !== undefined) setHold(r.hold);
    feedItem('you', evText(ev), 'mine');
  }
  const fbRow = h('div', { class: 'scale', role: 'group', 'aria-label': 'Client rating 0-10', id: 'fb-scale' },
    Array.from({ length: 11 }, (_, i) => h('button', { type: 'button', dataset: { value: i }, onclick: action(() => sendEvent({ event: 'feedback', value: i })) }, String(i))));
  const evRow = h('div', { class: 'evbuttons', id: 'ev-buttons' }, EVENT_BUTTONS.map(([id, label]) => h('button', {
    type: 'button', dataset: { event: id }, class: ['stop', 'sharp', 'tingling', 'numb', 'shooting'].includes(id) ? 'danger' : (id === 'released' ? 'primary' : null),
    onclick: action(() => sendEvent({ event: id })) }, label)));
  const endHold = h('button', { type: 'button', id: 'end-hold', onclick: action(async () => {
    const r = await api('POST', `${base}/stop`, {});
    if (r && r.hold !== undefined) setHold(r.hold); else if (hold) { hold.outcome = hold.outcome && hold.outcome !== 'open' ? hold.outcome : 'interrupted'; setHold(hold); }
  }) }, 'End hold (move on)');

  const holdPanel = h('section', { class: 'holdpanel', id: 'hold-panel' }, holdTitle, holdInfo, h('div', { class: 'timer-row' }, timer, timerOf), track, lastFb, outcome,
    advice, h('h3', {}, 'Client\'s rating'), fbRow, evRow, h('div', { class: 'row', style: 'margin-top:.6rem' }, endHold));

  /* after */
  const rom = h('input', { name: 'rom', value: '' }), strength = h('input', { name: 'strength', value: '' }), note = h('textarea', { name: 'note', rows: 2 });
  let painPost = st.pain_post;
  const postForm = h('form', { class: 'card', id: 'post-form' }, h('h2', {}, 'After: recheck'),
    h('p', {}, h('strong', {}, 'Pain after (0-10)')),
    scaleRow('Pain after', st.pain_post, async (i) => { painPost = i; }),
    h('div', { class: 'grid2' }, field('Range of motion', rom, 'e.g. cervical rotation left 60 -> 80'), field('Strength', strength)),
    field('Note', note),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'save-post' }, 'Save recheck'),
      h('button', { type: 'button', class: 'primary', id: 'end-session', onclick: action(async () => {
        const typed = rom.value.trim() || strength.value.trim() || note.value.trim();
        if ((painPost !== undefined && painPost !== null) || typed) await postRecheck();
        const r = await api('POST', `${base}/end`, {});
        state.visit = r.visit; save();
        closeStream();
        go('notes/' + r.visit);
      }) }, 'End session'),
      h('button', { type: 'button', id: 'cancel-session', onclick: () => {
        if ($('#cancel-form')) return;
        const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'why (kept in the audit log)', 'aria-label': 'Why cancel this session' });
        const f = h('form', { class: 'row', id: 'cancel-form' }, reason, h('button', { type: 'submit' }, 'Cancel without storing a visit'));
        f.addEventListener('submit', submitter(f, async () => {
          await api('POST', `${base}/cancel`, { reason: reason.value.trim() });
          closeStream();
          delete state.session; save();
          showMsg('Session cancelled; no visit was stored.', 'info');
          go('clients');
        }));
        postForm.append(f);
        reason.focus();
      } }, 'Cancel session…')));
  async function postRecheck() {
    if (painPost === undefined || painPost === null) throw new Error('Choose the pain after (0-10) first: the recheck is saved with it.');
    const body = {};
    if (painPost !== undefined && painPost !== null) body.pain = painPost;
    if (rom.value.trim()) body.rom = rom.value.trim();
    if (strength.value.trim()) body.strength = strength.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    st = await api('POST', `${base}/post`, body);
    return st;
  }
  postForm.addEventListener('submit', submitter(postForm, async () => { await postRecheck(); showMsg('Recheck saved.', 'info'); }));

  /* live events */
  let es = null;
  function closeStream() { if (es) { es.close(); es = null; } }
  const parse = (e) => { try { return JSON.parse(e.data); } catch { return { text: e.data }; } };
  if (!st.ended) {
    es = new EventSource(`${base}/events?since=${Number(st.events) || 0}`);   /* what follows the state read above */
    es.addEventListener('hold', (e) => { const d = parse(e); setHold(d && d.hold !== undefined && !d.step ? d.hold : d); });
    es.addEventListener('feedback', (e) => { const d = parse(e); if (hold && d.value !== undefined) { hold.last = d.value; lastFb.textContent = `Last rating: ${d.value}/10`; } });
    es.addEventListener('advice', (e) => { const d = parse(e); const a = d.advice && typeof d.advice === 'object' ? d.advice : d; setAdvice(a.advice || '', a.text || human(a.advice)); feedItem('advice', a.text || human(a.advice), 'f-advice'); });
    es.addEventListener('phone', (e) => {
      const d = parse(e);
      setPhone(true);
      if (d && (d.event || d.value !== undefined)) feedItem('phone', evText(d), 'phone');
      else if (d && d.connected === false) setPhone(false);
    });
    es.addEventListener('end', (e) => { const d = parse(e); if (d.visit) { state.visit = d.visit; save(); renderNav('session'); } setAdvice('', 'The session has ended.'); closeStream(); });
    es.onerror = () => { /* EventSource reconnects by itself */ };
    onLeave(closeStream, gen);
  }
  /* a gentle poll keeps the phone status and the clock in step if an event is missed */
  const poll = setInterval(async () => {
    try {
      const s2 = await api('GET', base);
      setPhone(s2.phone);
      if (s2.hold && (!hold || s2.hold.step !== hold.step || s2.hold.outcome !== hold.outcome)) setHold(s2.hold);
      else if (s2.hold && running(s2.hold)) t0 = performance.now() - (Number(s2.hold.t) || 0) * 1000;
    } catch (e) { if (e.status === 404 || e.status === 410) clearInterval(poll); }
  }, 5000);
  onLeave(() => clearInterval(poll), gen);

  setHold(st.hold);
  const ended = st.ended ? h('div', { class: 'banner caution' }, 'This session has ended.', state.visit ? [' ', h('a', { href: '#/notes/' + state.visit }, 'Open the note')] : null) : null;
  return [
    h('h1', {}, 'Session', state.client ? ' — ' + state.client.name : ''),
    ended,
    h('div', { class: 'room' },
      h('div', {}, phoneCard, preCard, h('section', { class: 'card' }, h('h2', {}, 'Steps'), stepsList)),
      h('div', {}, holdPanel, h('section', { class: 'card', style: 'margin-top:1rem' }, h('h2', {}, 'Live feed'), feed), postForm)),
  ];
}
