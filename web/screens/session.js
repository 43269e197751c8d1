/* session.js: the session room: the hold timer, the client's ratings live from the phone, the recheck. */

import { api } from '../lib/api.js';
import { $, $$, action, field, h, showMsg, submitter } from '../lib/dom.js';
import { human, range, sideName } from '../lib/format.js';
import { ensureClient, go, onLeave, renderNav, router, save, state } from '../lib/state.js';
import { openSessionsCard } from './sessions.js';
import { t } from '../lib/i18n.js';
import { vocabNow, vocabulary } from '../lib/vocab.js';

const EVENT_BUTTONS = ['more', 'less', 'good', 'released', 'stop', 'sharp', 'tingling', 'referral', 'bracing', 'numb', 'shooting'];
/* "ischemic compression · hold 30–60 s · target 4–7/10" */
const stepMeta = (s) => t('session.step-meta', { tech: s.technique ? (s.technique.label || human(s.technique.id)) + ' · ' : '', hold: range(s.hold), band: range(s.band) });
const ADVICE_KIND = (a) => (/^(stop|too-sensitive|max|client-stop)/.test(a || '') ? 'stop' : /^ease|less/.test(a || '') ? 'warn' : '');

/* An advice line of the hold's rules in this page's language: the vocabulary's text for its key
** (GET /api/vocabulary, read when the screen opens), else the line's own (the log's English). */
const adviceText = (a) => (a.key && vocabNow()?.advice?.get(a.key)) || a.text || human(a.advice);

export default async function view(arg) {
  const gen = router.gen;
  const sid = arg || (state.session && state.session.id);
  if (!sid) return [h('h1', {}, t('nav.session')), (await openSessionsCard()) || h('p', {}, t('session.none'))];
  const [first] = await Promise.all([api('GET', `/api/sessions/${encodeURIComponent(sid)}`), vocabulary()]);
  let st = first;
  const base = `/api/sessions/${encodeURIComponent(sid)}`;
  /* a new tab, another device or a reload: the client first (choosing one clears the session) */
  if (st.client && (!state.client || state.client.id !== st.client)) { try { await ensureClient(st.client); } catch { /* name only */ } }
  if (!state.session || state.session.id !== sid) { state.session = { id: sid, client: st.client }; save(); }
  if (st.ended && st.cancelled) return [h('h1', {}, t('nav.session')), h('div', { class: 'banner caution' }, t('session.cancelled-banner'))];
  if (st.ended) {
    const v = st.visit || state.visit;
    if (v) { state.visit = v; save(); }
    return [h('h1', {}, t('nav.session')), h('div', { class: 'banner caution' }, t('session.ended-stored'),
      v ? [t('session.as-visit', { n: v }), h('a', { href: '#/notes/' + v }, t('session.open-note'))] : '', '.')];
  }
  const plan = st.plan || state.session.plan || state.plan || { steps: [] };
  const join = state.session.join || st.join || {};
  const stepBy = new Map((plan.steps || []).map((s) => [s.n, s]));

  /* phone */
  const phoneStatus = h('span', { class: 'status', id: 'phone-status' });
  let phoneWas = !!st.phone, phoneCard = null;
  const setPhone = (on) => {
    phoneStatus.classList.toggle('on', !!on); phoneStatus.textContent = on ? t('session.phone-on') : t('session.phone-off');
    if (on && !phoneWas && phoneCard) phoneCard.open = false;
    phoneWas = !!on;
  };
  setPhone(st.phone);
  const joinUrl = join.url || (join.token ? `${location.origin}/p/${join.token}` : '');
  /* the phone's card folds away once the phone has joined (it can be opened again) */
  phoneCard = h('details', { class: 'card phone-card', id: 'phone-card', open: !st.phone },
    h('summary', {}, h('strong', {}, t('session.phone')), ' ', phoneStatus),
    h('div', { class: 'qr' }, h('img', { src: `${base}/qr.svg`, alt: t('session.qr-alt'), width: 200, height: 200 })),
    joinUrl ? h('p', {}, t('session.scan-or-open'), h('a', { href: joinUrl, class: 'joinurl', id: 'join-url', target: '_blank', rel: 'noopener' }, joinUrl))
      : h('p', {}, t('session.scan')),
    /^https?:\/\/(127\.|localhost|\[::1\])/.test(joinUrl)
      ? h('p', { class: 'small muted', id: 'join-local' }, t('session.join-local'))
      : null);

  /* pain before / after */
  const scaleRow = (name, cur, fn) => h('div', { class: 'scale', role: 'group', 'aria-label': name },
    Array.from({ length: 11 }, (_, i) => h('button', { type: 'button', 'aria-pressed': cur === i ? 'true' : 'false', dataset: { value: i },
      onclick: action(async (ev) => { const row = ev.currentTarget.parentNode; await fn(i); $$('button', row).forEach((b) => b.setAttribute('aria-pressed', String(+b.dataset.value === i))); }) }, String(i))));
  const preCard = h('section', { class: 'card', id: 'pain-pre' }, h('h2', {}, t('session.pain-before')),
    scaleRow(t('session.pain-before-label'), st.pain_pre, async (i) => { st = await api('POST', `${base}/pre`, { pain: i }); }));

  let areaLabels = new Map();
  try { areaLabels = new Map(((await api('GET', '/api/sensitive-areas')).areas || []).map((a) => [a.id, a.label || human(a.id)])); } catch { /* ids then */ }
  /* steps */
  const stepsList = h('ul', { class: 'steps-list', id: 'steps' }, (plan.steps || []).map((s) => h('li', { dataset: { step: s.n } },
    h('div', {}, h('strong', {}, `${s.n}. ${t('phase.' + s.phase, null, s.phase)}`), ' ', s.muscle_name || human(s.muscle), s.side ? ', ' + sideName(s.side) : '',
      s.timed ? h('div', { class: 'small muted' }, stepMeta(s)) : null,
      (s.sensitive || []).length ? h('div', { class: 'small sensitive-step' }, t('session.sensitive', { areas: s.sensitive.map((a) => areaLabels.get(a) || human(a)).join(', ') })) : null),
    s.timed ? h('button', { type: 'button', class: 'primary start-hold', onclick: action(() => startHold(s)) }, t('session.start-hold')) : null)));
  async function startHold(s) {
    try { st = await api('POST', `${base}/hold`, { step: s.n }); } catch (e) {
      if (e.code !== 'consent-needed') throw e;
      if (await askConsent(e.data.areas || s.sensitive || [])) return startHold(s);
      return;
    }
    pauseBox.hidden = true;
    setHold(st.hold);
    feedItem(t('session.src-you'), t('session.hold-started', { n: s.n }), 'mine');
  }
  /* sensitive areas: the client's consent before each treatment there, asked in a dialog */
  const areaName = (id) => areaLabels.get(id) || human(id);
  function askConsent(areas) {
    return new Promise((resolve) => {
      const names = areas.map(areaName).join(', ');
      const dlg = h('dialog', { id: 'consent-dialog', 'aria-labelledby': 'consent-title' },
        h('h2', { id: 'consent-title' }, t('session.consent-title', { areas: names })),
        h('p', {}, t('session.consent-text', { areas: names })),
        h('fieldset', {}, h('legend', {}, t('session.consent-how')),
          h('label', { class: 'check' }, h('input', { type: 'radio', name: 'consent-how', value: 'verbal', checked: true }), t('session.consent-verbal')),
          h('label', { class: 'check' }, h('input', { type: 'radio', name: 'consent-how', value: 'written' }), t('session.consent-written'))),
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'primary', id: 'consent-yes', onclick: action(async () => {
            const how = (dlg.querySelector('input[name="consent-how"]:checked') || {}).value || 'verbal';
            st = await api('POST', `${base}/consent`, { areas, how });
            dlg.close(); dlg.remove(); showConsent(); resolve(true);
          }) }, t('session.consent-record')),
          h('button', { type: 'button', id: 'consent-no', onclick: () => { dlg.close(); dlg.remove(); resolve(false); } }, t('session.consent-not-now'))));
      document.body.append(dlg);
      dlg.showModal();
    });
  }
  const consentBox = h('div', { id: 'consent-now' });
  function showConsent() {
    const given = st.consented || [];
    consentBox.replaceChildren(given.length ? h('ul', {}, given.map((a) => h('li', {}, t('session.consent-given', { area: areaName(a) }), ' ',
      h('button', { type: 'button', class: 'withdraw-consent', dataset: { area: a }, onclick: action(async () => {
        st = await api('POST', `${base}/consent`, { areas: [a], withdrawn: true }); showConsent();
        showMsg(t('session.consent-withdrawn', { area: areaName(a) }), 'info');
      }) }, t('session.withdraw'))))) : h('p', { class: 'muted' }, t('session.consent-none')));
  }
  showConsent();
  const sensitiveSteps = (plan.steps || []).some((s) => (s.sensitive || []).length);
  const consentCard = sensitiveSteps || (st.consented || []).length ? h('section', { class: 'card', id: 'consent-card' }, h('h2', {}, t('session.consent')), consentBox) : null;
  const pauseBox = h('div', { class: 'banner refer', id: 'pause-alert', role: 'alert', hidden: !st.paused }, h('strong', {}, t('session.paused')), ' ', t('session.paused-text'));

  /* the next hold's Start, beside the timer: the first timed step after the current one */
  const nextBtn = h('button', { type: 'button', class: 'primary', id: 'next-hold', onclick: action(async () => { const s = nextStep(); if (s) await startHold(s); }) });
  function nextStep() {
    const timed = (plan.steps || []).filter((s) => s.timed);
    if (!hold) return timed[0] || null;
    return timed.find((s) => s.n > hold.step) || null;
  }
  function showNext() {
    const s = nextStep();
    nextBtn.hidden = !s;
    if (s) nextBtn.textContent = t(hold && running(hold) ? 'session.next-hold-then' : 'session.next-hold', { n: s.n, muscle: (s.muscle_name || human(s.muscle)) + (s.side ? ', ' + sideName(s.side) : '') });
  }

  /* the hold */
  const holdTitle = h('h2', { id: 'hold-title' }, t('session.no-hold'));
  const timer = h('span', { class: 'timer', id: 'hold-timer', role: 'timer', 'aria-live': 'off' }, '0');
  const timerOf = h('span', { class: 'timer-of' }, '');
  const holdInfo = h('div', { id: 'hold-info', class: 'muted' }, t('session.start-from-list'));
  const track = h('div', { class: 'track', 'aria-hidden': 'true' }, h('div', { class: 'win' }), h('div', { class: 'now' }));
  const lastFb = h('div', { id: 'hold-last' });
  const outcome = h('div', { class: 'outcome', id: 'hold-outcome', 'aria-live': 'polite' });
  const advice = h('div', { class: 'advice', id: 'advice', 'aria-live': 'assertive' }, t('session.advice-here'));
  const feed = h('ul', { class: 'feed', id: 'feed', 'aria-live': 'polite', 'aria-label': t('session.feed') });
  let hold = null, t0 = 0, tickTimer = null;

  const running = (x) => x && (!x.outcome || x.outcome === 'open');
  function setHold(x) {
    hold = x || null;
    if (!hold) {
      holdTitle.textContent = t('session.no-hold');
      holdInfo.textContent = t('session.start-from-list');
      timer.textContent = '0'; timerOf.textContent = ''; outcome.textContent = ''; lastFb.textContent = '';
      showNext();
      return;
    }
    if (running(hold)) pauseBox.hidden = true;
    const s = stepBy.get(hold.step) || {};
    const tech = s.technique ? (s.technique.label || human(s.technique.id)) : human(hold.technique);
    holdTitle.textContent = t('session.step-title', { n: hold.step, muscle: (s.muscle_name || human(hold.muscle || s.muscle)) + (hold.side || s.side ? ', ' + sideName(hold.side || s.side) : '') });
    holdInfo.textContent = t('session.hold-info', { tech, hold: range(hold.hold), band: range(hold.band) });
    t0 = performance.now() - (Number(hold.t) || 0) * 1000;
    lastFb.textContent = hold.last !== undefined && hold.last !== null && hold.last >= 0 ? t('session.last', { n: hold.last }) : t('session.no-rating');
    outcome.textContent = running(hold) ? '' : t('session.ended-hold', { how: human(hold.outcome) + (hold.reason ? ' (' + human(hold.reason) + ')' : ''), s: Math.round(hold.t || 0) });
    $$('li', stepsList).forEach((li) => li.classList.toggle('current', +li.dataset.step === hold.step));
    const adv = Array.isArray(hold.advice) ? hold.advice[hold.advice.length - 1] : hold.advice;
    if (adv && typeof adv === 'object' && adv.text) setAdvice(adv.advice || '', adviceText(adv));
    tick();
    showNext();
  }
  function tick() {
    if (!hold) return;
    const [mn, mx] = hold.hold || [0, 0];
    const secs = running(hold) ? (performance.now() - t0) / 1000 : Number(hold.t) || 0;
    const shown = Math.min(Math.floor(secs), mx || Infinity);
    timer.textContent = String(shown);
    timer.classList.toggle('inrange', secs >= mn && secs < mx);
    timer.classList.toggle('over', mx > 0 && secs >= mx);
    timer.setAttribute('aria-label', t('session.timer-label', { n: shown, min: mn, max: mx }));
    timerOf.textContent = t('session.timer-of', { min: mn, max: mx }) + (secs < mn ? '' : secs < mx ? t('session.release-soft') : '');
    if (mx > 0) {
      track.querySelector('.win').style.cssText = `left:${100 * mn / mx}%;right:0`;
      track.querySelector('.now').style.left = `${Math.min(100, 100 * secs / mx)}%`;
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
  const evText = (d) => (d.event === 'feedback' || d.value !== undefined && !d.event ? `${d.value}/10` : t('event.' + (d.event || ''), null, human(d.event || '')));

  async function sendEvent(ev) {
    const r = await api('POST', `${base}/event`, ev);
    if (r && r.advice && (r.advice.text || r.advice.advice)) setAdvice(r.advice.advice, adviceText(r.advice));
    if (r && r.hold !== undefined) setHold(r.hold);
    feedItem(t('session.src-you'), evText(ev), 'mine');
  }
  const fbRow = h('div', { class: 'scale', role: 'group', 'aria-label': t('session.rating-label'), id: 'fb-scale' },
    Array.from({ length: 11 }, (_, i) => h('button', { type: 'button', dataset: { value: i }, onclick: action(() => sendEvent({ event: 'feedback', value: i })) }, String(i))));
  const evRow = h('div', { class: 'evbuttons', id: 'ev-buttons' }, EVENT_BUTTONS.map((id) => h('button', {
    type: 'button', dataset: { event: id }, class: ['stop', 'sharp', 'tingling', 'numb', 'shooting'].includes(id) ? 'danger' : (id === 'released' ? 'primary' : null),
    onclick: action(() => sendEvent({ event: id })) }, t('event.' + id))));
  const endHold = h('button', { type: 'button', id: 'end-hold', onclick: action(async () => {
    const r = await api('POST', `${base}/stop`, {});
    if (r && r.hold !== undefined) setHold(r.hold); else if (hold) { hold.outcome = hold.outcome && hold.outcome !== 'open' ? hold.outcome : 'interrupted'; setHold(hold); }
  }) }, t('session.end-hold'));

  const holdPanel = h('section', { class: 'holdpanel', id: 'hold-panel' }, holdTitle, holdInfo,
    h('div', { class: 'timer-row' }, timer, timerOf), track, h('div', { class: 'hold-status' }, lastFb, outcome),
    advice, h('h3', {}, t('session.rating')), fbRow, evRow, h('div', { class: 'row hold-actions' }, endHold, nextBtn));

  /* after */
  const rom = h('input', { name: 'rom', value: '' }), strength = h('input', { name: 'strength', value: '' }), note = h('textarea', { name: 'note', rows: 2 });
  let painPost = st.pain_post;
  const postForm = h('form', { class: 'card', id: 'post-form' }, h('h2', {}, t('session.recheck')),
    h('p', {}, h('strong', {}, t('session.pain-after'))),
    scaleRow(t('session.pain-after-label'), st.pain_post, async (i) => { painPost = i; }),
    h('div', { class: 'grid2' }, field(t('session.rom'), rom, t('session.rom-hint')), field(t('session.strength'), strength)),
    field(t('session.note'), note),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'save-post' }, t('session.save-post')),
      h('button', { type: 'button', class: 'primary', id: 'end-session', onclick: () => {
        if ($('#end-confirm')) return;
        const box = h('div', { class: 'banner caution', id: 'end-confirm', role: 'alert' }, t('session.end-sure'), ' ',
          h('button', { type: 'button', class: 'primary', id: 'end-confirm-yes', onclick: endNow }, t('session.end-yes')), ' ',
          h('button', { type: 'button', onclick: () => box.remove() }, t('session.end-no')));
        postForm.append(box);
      } }, t('session.end')),
      h('button', { type: 'button', id: 'cancel-session', onclick: () => {
        if ($('#cancel-form')) return;
        const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: t('sessions.why'), 'aria-label': t('sessions.why-label') });
        const f = h('form', { class: 'row', id: 'cancel-form' }, reason, h('button', { type: 'submit' }, t('sessions.cancel-confirm')));
        f.addEventListener('submit', submitter(f, async () => {
          await api('POST', `${base}/cancel`, { reason: reason.value.trim() });
          closeStream();
          delete state.session; save();
          showMsg(t('sessions.cancelled'), 'info');
          go('clients');
        }));
        postForm.append(f);
        reason.focus();
      } }, t('session.cancel'))));
  const endNow = action(async () => {
    const typed = rom.value.trim() || strength.value.trim() || note.value.trim();
    if ((painPost !== undefined && painPost !== null) || typed) await postRecheck();
    const r = await api('POST', `${base}/end`, {});
    state.visit = r.visit; save();
    closeStream();
    go('notes/' + r.visit);
  });
  async function postRecheck() {
    if (painPost === undefined || painPost === null) throw new Error(t('session.need-after'));
    const body = {};
    if (painPost !== undefined && painPost !== null) body.pain = painPost;
    if (rom.value.trim()) body.rom = rom.value.trim();
    if (strength.value.trim()) body.strength = strength.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    st = await api('POST', `${base}/post`, body);
    return st;
  }
  postForm.addEventListener('submit', submitter(postForm, async () => { await postRecheck(); showMsg(t('session.saved-post'), 'info'); }));

  /* live events */
  let es = null;
  function closeStream() { if (es) { es.close(); es = null; } }
  const parse = (e) => { try { return JSON.parse(e.data); } catch { return { text: e.data }; } };
  if (!st.ended) {
    es = new EventSource(`${base}/events?since=${Number(st.events) || 0}`);   /* what follows the state read above */
    es.addEventListener('hold', (e) => { const d = parse(e); setHold(d && d.hold !== undefined && !d.step ? d.hold : d); });
    es.addEventListener('feedback', (e) => { const d = parse(e); if (hold && d.value !== undefined) { hold.last = d.value; lastFb.textContent = t('session.last', { n: d.value }); } });
    es.addEventListener('advice', (e) => { const d = parse(e); const a = d.advice && typeof d.advice === 'object' ? d.advice : d; setAdvice(a.advice || '', adviceText(a)); feedItem(t('session.src-advice'), adviceText(a), 'f-advice'); });
    es.addEventListener('phone', (e) => {
      const d = parse(e);
      setPhone(true);
      if (d && (d.event || d.value !== undefined)) feedItem(t('session.src-phone'), evText(d), 'phone');
      else if (d && d.connected === false) setPhone(false);
    });
    es.addEventListener('pause', () => { pauseBox.hidden = false; feedItem(t('session.src-phone'), t('session.paused'), 'phone'); });
    es.addEventListener('consent', async () => { try { st = await api('GET', base); showConsent(); } catch { /* the poll */ } });
    es.addEventListener('end', (e) => { const d = parse(e); if (d.visit) { state.visit = d.visit; save(); renderNav('session'); } setAdvice('', t('session.has-ended')); closeStream(); });
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
  const ended = st.ended ? h('div', { class: 'banner caution' }, t('session.this-ended'), state.visit ? [' ', h('a', { href: '#/notes/' + state.visit }, t('session.open-the-note'))] : null) : null;
  return [
    h('h1', {}, state.client ? t('session.title-client', { name: state.client.name }) : t('nav.session')),
    ended,
    pauseBox,
    h('div', { class: 'room' },
      h('div', { class: 'room-main' }, holdPanel, h('section', { class: 'card' }, h('h2', {}, t('session.feed')), feed), postForm),
      h('div', { class: 'room-side' }, preCard, h('section', { class: 'card' }, h('h2', {}, t('session.steps')), stepsList), consentCard, phoneCard)),
  ];
}
