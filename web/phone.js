/* phone.js: the client's phone page at /p/TOKEN: a 0-10 row and More, Less, Good, Released,
** Stop, sent to POST /api/phone/TOKEN.  Shows only whether the session is live; no names.  Its
** words are phone.* of web/i18n (the client's language: ?lang=, the stored choice, the browser). */
import { loadLanguage, t, lang } from './lib/i18n.js';

await loadLanguage().catch(() => {});
document.title = t('phone.doc-title');
for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
(() => {
  const m = location.pathname.match(/\/p\/([^/?#]+)/);
  const token = m ? decodeURIComponent(m[1]) : '';
  const api = '/api/phone/' + encodeURIComponent(token);
  const status = document.getElementById('status');
  const sent = document.getElementById('sent');
  const scale = document.getElementById('scale');
  const holdLine = document.getElementById('hold');
  let ended = false, pollTimer = null, holding = null;

  for (let i = 0; i <= 10; i++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.value = String(i);
    b.textContent = String(i);
    b.setAttribute('aria-label', t('phone.of-10', { n: i }));
    scale.append(b);
  }

  function setStatus(kind, text) {
    status.className = kind;
    status.textContent = text;
  }
  function end() {
    ended = true;
    document.body.classList.add('ended');
    setStatus('off', t('phone.ended'));
    sent.textContent = t('phone.thanks');
    sent.className = '';
    holdLine.textContent = '';
    if (pollTimer) clearInterval(pollTimer);
  }

  async function check() {
    if (ended) return;
    try {
      const r = await fetch(api, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (r.status === 410) { end(); return; }
      if (!r.ok) { setStatus('off', r.status === 404 ? t('phone.invalid') : t('phone.retrying')); return; }
      const d = await r.json();
      if (d && d.active === false) { end(); return; }
      setStatus('on', t('phone.connected'));
      holding = !!(d && d.hold);
      holdLine.textContent = holding ? t('phone.hold-on') : d && d.paused ? t('phone.paused') : t('phone.waiting');
    } catch {
      setStatus('off', t('phone.retrying'));
    }
  }

  async function send(body, button, label) {
    if (ended) return;
    button.disabled = true;
    try {
      const r = await fetch(api, {
        method: 'POST', cache: 'no-store',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (r.status === 410) { end(); return; }
      if (!r.ok) {
        let msg = t('phone.not-sent-status', { status: r.status });
        /* the server's reason is in English: shown only to an English reader */
        try { const e = await r.json(); if (lang === 'en' && e && e.error && e.error.message) msg = t('phone.not-sent', { why: e.error.message }); } catch { /* keep */ }
        if (r.status === 400 && holding === false) msg = t('phone.wait-hold');
        sent.textContent = msg; sent.className = 'err';
        return;
      }
      setStatus('on', t('phone.connected'));
      sent.textContent = t('phone.sent', { what: label }); sent.className = '';
      button.classList.add('sent');
      setTimeout(() => button.classList.remove('sent'), 600);
      if (navigator.vibrate) navigator.vibrate(30);
      if (body.event === 'stop') check();   /* a Stop with no hold running pauses the session: say so */
    } catch {
      sent.textContent = t('phone.no-connection'); sent.className = 'err';
      setStatus('off', t('phone.retrying'));
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (!b) return;
    if (b.dataset.value !== undefined) send({ event: 'feedback', value: Number(b.dataset.value) }, b, `${b.dataset.value}/10`);
    else if (b.dataset.event) send({ event: b.dataset.event }, b, t('phone.' + b.dataset.event, null, b.dataset.event));
  });

  if (!token) { setStatus('off', t('phone.invalid')); return; }
  check();
  pollTimer = setInterval(check, 3000);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) check(); });
})();
