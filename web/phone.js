/* phone.js: the client's phone page at /p/TOKEN: a 0-10 row and More, Less, Good, Released,
** Stop, sent to POST /api/phone/TOKEN.  Shows only whether the session is live; no names. */
'use strict';
(() => {
  const m = location.pathname.match(/\/p\/([^/?#]+)/);
  const token = m ? decodeURIComponent(m[1]) : '';
  const api = '/api/phone/' + encodeURIComponent(token);
  const status = document.getElementById('status');
  const sent = document.getElementById('sent');
  const scale = document.getElementById('scale');
  const LABELS = { more: 'More', less: 'Less', good: 'Good', released: 'Released', stop: 'Stop' };
  const holdLine = document.getElementById('hold');
  let ended = false, pollTimer = null, holding = null;

  for (let i = 0; i <= 10; i++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.value = String(i);
    b.textContent = String(i);
    b.setAttribute('aria-label', `${i} out of 10`);
    scale.append(b);
  }

  function setStatus(kind, text) {
    status.className = kind;
    status.textContent = text;
  }
  function end() {
    ended = true;
    document.body.classList.add('ended');
    setStatus('off', 'This session has ended');
    sent.textContent = 'Thank you. You can close this page.';
    sent.className = '';
    holdLine.textContent = '';
    if (pollTimer) clearInterval(pollTimer);
  }

  async function check() {
    if (ended) return;
    try {
      const r = await fetch(api, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (r.status === 410) { end(); return; }
      if (!r.ok) { setStatus('off', r.status === 404 ? 'This link is not valid' : 'Not connected — retrying…'); return; }
      const d = await r.json();
      if (d && d.active === false) { end(); return; }
      setStatus('on', 'Connected');
      holding = !!(d && d.hold);
      holdLine.textContent = holding ? 'Pressure on now: tell how it feels.'
        : d && d.paused ? 'Paused: your therapist has been told you pressed Stop.' : 'Waiting for the next hold.';
    } catch {
      setStatus('off', 'Not connected — retrying…');
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
        let msg = `Not sent (${r.status})`;
        try { const e = await r.json(); if (e && e.error && e.error.message) msg = 'Not sent: ' + e.error.message; } catch { /* keep */ }
        if (r.status === 400 && holding === false) msg = 'Not sent: wait until your therapist starts the next hold.';
        sent.textContent = msg; sent.className = 'err';
        return;
      }
      setStatus('on', 'Connected');
      sent.textContent = `Sent: ${label}`; sent.className = '';
      button.classList.add('sent');
      setTimeout(() => button.classList.remove('sent'), 600);
      if (navigator.vibrate) navigator.vibrate(30);
      if (body.event === 'stop') check();   /* a Stop with no hold running pauses the session: say so */
    } catch {
      sent.textContent = 'Not sent: no connection. Tell your therapist out loud.'; sent.className = 'err';
      setStatus('off', 'Not connected — retrying…');
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (!b) return;
    if (b.dataset.value !== undefined) send({ event: 'feedback', value: Number(b.dataset.value) }, b, `${b.dataset.value}/10`);
    else if (b.dataset.event) send({ event: b.dataset.event }, b, LABELS[b.dataset.event] || b.dataset.event);
  });

  if (!token) { setStatus('off', 'This link is not valid'); return; }
  check();
  pollTimer = setInterval(check, 3000);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) check(); });
})();
