// client.mjs: the client's own pages on a phone (390x844, touch) against a running `myomap serve`
// on a fresh database: the therapist makes an intake link on the intake screen (url, QR), the
// phone fills /i/TOKEN end to end, a second use and a revoked link say so; the home link's page
// and its hold timer; the pages with ?lang=fr; axe-core on the new pages.
// Usage: MYOMAP_URL=http://127.0.0.1:18090 SHOTS=build/shots node tests/client.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BASE = (process.env.MYOMAP_URL || 'http://127.0.0.1:18090').replace(/\/$/, '');
const SHOTS = process.env.SHOTS || 'build/shots';
mkdirSync(SHOTS, { recursive: true });
let passed = 0, failed = 0;
const ok = (n) => { passed++; console.log(`ok - ${n}`); };
const bad = (n, w) => { failed++; console.log(`not ok - ${n}: ${String(w).slice(0, 300)}`); };
async function step(n, fn) { try { if ((await fn()) !== false) ok(n); else bad(n, 'false'); } catch (e) { bad(n, e.message); } }
const AXE = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;
const EN = JSON.parse(readFileSync(new URL('../web/i18n/en.json', import.meta.url), 'utf8'));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const phoneOpts = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const problems = [];
const watch = (p, l) => { p.on('pageerror', (e) => problems.push(`${l}: ${e.message}`)); p.on('console', (m) => { if (m.type() === 'error' && !/status of 4(04|10)/.test(m.text())) problems.push(`${l} console: ${m.text()}`); }); };
async function axe(p, name) {
  await p.evaluate(readFileSync(AXE, 'utf8'));
  const r = await p.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length })));
  const cs = r.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  console.log(`# axe ${name}: ${cs.length ? cs.map((v) => `${v.id} ${v.impact} x${v.n}`).join(', ') : '0 critical/serious'}`);
  if (cs.length) throw new Error(cs.map((v) => v.id).join(', '));
}
/* English left on a French page: any English value of 3+ words found in the page's text
** (the server's own words: the questions' labels and the chart's SVG, left out: the knowledge
** base's French is not on this branch yet) */
async function englishLeft(p, server = []) {
  let text = (await p.evaluate(() => { const b = document.body.cloneNode(true); b.querySelectorAll('svg').forEach((x) => x.remove()); return b.innerText; })).replace(/\s+/g, ' ');
  for (const w of server) text = text.split(w).join(' ');
  return Object.values(EN).filter((v) => !/[{}]/.test(v) && v.trim().split(/\s+/).length >= 3 && text.includes(v.trim()));
}
const strings = (o) => (typeof o === 'string' ? [o] : o && typeof o === 'object' ? Object.values(o).flatMap(strings) : []);

try {
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const pg = await ctx.newPage(); watch(pg, 'therapist');
  const post = async (path, body, csrf) => { const r = await pg.request.post(BASE + path, { data: body, headers: csrf ? { 'X-CSRF-Token': csrf } : {} }); return { status: r.status(), data: await r.json().catch(() => null) }; };
  const s = await post('/api/setup', { name: 'Tess Therapist', email: 'tess@clinic.example', password: 'correct horse battery 9' });
  const csrf = s.data.csrf;
  const c = await post('/api/clients', { name: 'Annabel Zephyrine', birth: '1980-04-02', consent: false }, csrf);
  const cid = c.data.id;
  let intakeUrl = '';
  await step('the intake screen makes an intake link: url, QR image', async () => {
    await pg.goto(`${BASE}/#/intake/${cid}`);
    await pg.click('#send-intake-link');
    await pg.waitForSelector('#link-url');
    intakeUrl = await pg.inputValue('#link-url');
    const qr = await pg.getAttribute('#link-made img.qr', 'src');
    await pg.locator('#links-card').screenshot({ path: join(SHOTS, 'client-links-1024.png') });
    return /\/i\/[0-9a-f]{32}$/.test(intakeUrl) && qr.startsWith('data:image/svg+xml');
  });
  const path = new URL(intakeUrl).pathname;
  const phone = await browser.newContext(phoneOpts);
  const ph = await phone.newPage(); watch(ph, 'phone');
  await step('the intake page opens on the phone with the chart', async () => {
    await ph.goto(BASE + path);
    await ph.waitForSelector('#cintake-form');
    await ph.screenshot({ path: join(SHOTS, 'client-intake-390.png'), fullPage: true });
    return (await ph.locator('ellipse.region').count()) > 50;
  });
  await step('axe on the intake page: 0 critical or serious', () => axe(ph, 'intake page 390'));
  await step('sending without the red flags answered says so and sends nothing', async () => {
    await ph.tap('ellipse.region[data-region="temple-l"] >> nth=0').catch(async () => ph.locator('ellipse.region[data-region="temple-l"]').first().dispatchEvent('click'));
    await ph.waitForSelector('#marks li[data-region="temple-l"]');
    await ph.click('#send');
    if (!/warning-sign/.test(await ph.textContent('#msg'))) throw new Error(await ph.textContent('#msg'));
    const marked = await ph.$$eval('fieldset.yn.missing', (a) => a.map((f) => (f.querySelector('.need') || {}).textContent || ''));
    if (marked.length !== 8 || !marked.every((x) => /yes or no/.test(x))) throw new Error(`${marked.length} marked: ${marked.join('|')}`);
  });
  await step('one warning sign left: the message says 1 left and marks only that one, answered it is unmarked', async () => {
    const flags = await ph.locator('fieldset.yn[data-name^="flag:"]').all();
    for (const fs of flags.slice(0, -1)) await fs.locator('input[value="no"]').check();
    await ph.click('#send');
    const m = await ph.textContent('#msg');
    if (!/\(1 left\)/.test(m)) throw new Error(m);
    const left = await ph.$$eval('fieldset.yn.missing', (a) => a.map((f) => f.dataset.name));
    if (left.length !== 1 || left[0] !== await flags[flags.length - 1].getAttribute('data-name')) throw new Error(left.join());
    await ph.screenshot({ path: join(SHOTS, 'client-intake-missing-390.png') });
    await flags[flags.length - 1].locator('input[value="no"]').check();
    if (await ph.locator('fieldset.yn.missing, fieldset.yn .need').count()) throw new Error('still marked');
    /* a finger's target: each answer's label at least 24 px (WCAG 2.5.8) */
    const small = await ph.$$eval('fieldset.yn label', (a) => a.map((l) => l.getBoundingClientRect()).filter((r) => r.width < 24 || r.height < 24).length);
    if (small) throw new Error(`${small} answers under 24 px`);
  });
  await step('the phone fills the intake and sees the thank-you', async () => {
    await ph.click('#marks li[data-region="temple-l"] button[aria-label^="More"]');
    for (const fs of await ph.locator('fieldset.yn').all()) await fs.locator('input[value="no"]').check();
    await ph.fill('#goals', 'work a day without a headache');
    await ph.fill('#history', 'Migraine as a teenager.');
    await ph.check('#consent');
    await ph.click('#send');
    await ph.waitForSelector('#thanks');
    await ph.screenshot({ path: join(SHOTS, 'client-intake-thanks-390.png') });
    const txt = await ph.textContent('#view');
    if (/null|undefined|\[object /.test(txt)) throw new Error('stray text on the thank-you page: ' + txt);
  });
  await step('the client\'s answers are stored: each no as a no, none as not asked', async () => {
    const r = await (await pg.request.get(`${BASE}/api/clients/${cid}`)).json();
    const f = (r.intakes[0].flags || '').split(',');
    if (f.length !== 8 || !f.every((x) => x.endsWith('=no')) || !f.includes('fever=no')) throw new Error(r.intakes[0].flags);
    if ((r.intakes[0].where.screen.not_asked || []).length) throw new Error('not asked: ' + r.intakes[0].where.screen.not_asked.join());
  });
  await step('the same link again: the page says it has been used', async () => {
    await ph.goto(BASE + path);
    await ph.waitForSelector('#gone');
    return /used or has expired/.test(await ph.textContent('#gone'));
  });
  await step('the therapist sees the link used and the intake filled by the client', async () => {
    await pg.goto(`${BASE}/#/clients`); await pg.goto(`${BASE}/#/intake/${cid}`);
    await pg.waitForSelector('#links-list li');
    const txt = await pg.textContent('#links-list');
    return /filled by the client/.test(txt) && /used/.test(txt);
  });
  await step('a revoked link: the page says so', async () => {
    const r = await post(`/api/clients/${cid}/intake-link`, {}, csrf);
    await post(`/api/links/${r.data.id}/revoke`, {}, csrf);
    await ph.goto(new URL(r.data.url).pathname.replace(/^/, BASE));
    await ph.waitForSelector('#gone');
    return /ask your therapist/.test(await ph.textContent('#gone'));
  });
  await step('an unknown token: the page says the link is not valid', async () => {
    await ph.goto(BASE + '/i/00000000000000000000000000000000');
    await ph.waitForSelector('#gone');
    return /not valid/.test(await ph.textContent('#gone'));
  });
  /* the home link needs a stored session */
  const hl = await post(`/api/clients/${cid}/home-link`, {}, csrf);
  const homePath = new URL(hl.data.url).pathname;
  await step('the home link before any session: the page says the link is not valid yet', async () => {
    await ph.goto(BASE + homePath); await ph.waitForSelector('#gone'); return true;
  });
  /* a session for the client: the first candidate for the temple the client drew, one hold, stored */
  const w = await post('/api/where', { pain: [{ region: 'temple-l', intensity: 6, quality: 'ache' }] }, csrf);
  const top = w.data.candidates[0];
  const ss = await post('/api/sessions', { client: cid, points: [{ tp: top.trigger_point, side: top.side }] }, csrf);
  const sid = ss.data.id;
  const step1 = ss.data.state.plan.steps.findIndex((x) => x.seconds || x.hold) + 1;
  await post(`/api/sessions/${sid}/pre`, { pain: 6 }, csrf);
  await post(`/api/sessions/${sid}/hold`, { step: step1 || 1 }, csrf);
  await post(`/api/sessions/${sid}/stop`, {}, csrf);
  await post(`/api/sessions/${sid}/post`, { pain: 3 }, csrf);
  const end = await post(`/api/sessions/${sid}/end`, {}, csrf);
  console.log(`# session ${ss.status} for ${top.trigger_point} ${top.side}, end ${end.status}`);
  await step('after the session the home link shows the program: exercises, a timer each, the stop-and-get-help list', async () => {
    await ph.goto(BASE + homePath);
    await ph.waitForSelector('section.ex-c', { timeout: 5000 }).catch(async () => { throw new Error('no exercise: ' + (await ph.textContent('body')).slice(0, 300) + ' api: ' + JSON.stringify((await (await ph.request.get(BASE + '/api/home/' + homePath.slice(3))).json())).slice(0, 600)); });
    await ph.screenshot({ path: join(SHOTS, 'client-home-390.png'), fullPage: true });
    await ph.screenshot({ path: join(SHOTS, 'client-home-top-390.png') });
    const n = await ph.locator('section.ex-c .timer').count();
    const help = await ph.locator('#stop-help li').count();
    const wide = await ph.evaluate(() => document.documentElement.scrollWidth);
    if (!(n >= 1 && help >= 1 && wide <= 390)) throw new Error(`timers ${n}, help lines ${help}, width ${wide}`);
  });
  await step('axe on the home program page: 0 critical or serious', () => axe(ph, 'home page 390'));
  await step('the hold timer counts down with the breathing cue, and Stop stops it', async () => {
    const t0 = ph.locator('section.ex-c .timer').first();
    await t0.locator('select').selectOption('30');
    await t0.locator('button.primary').tap();
    await ph.waitForFunction(() => /\b2[0-9]\b/.test(document.querySelector('section.ex-c .timer .count').textContent), null, { timeout: 5000 });
    await t0.screenshot({ path: join(SHOTS, 'client-home-timer-390.png') });
    const cue = await t0.locator('.cue').textContent();
    if (!cue.trim()) throw new Error('no breathing cue');
    await t0.locator('button:not(.primary)').tap();
    const a = await t0.locator('.count').textContent();
    await ph.waitForTimeout(1500);
    const b = await t0.locator('.count').textContent();
    if (a !== b) throw new Error(`still counting after Stop: ${a} -> ${b}`);
    if (!(await t0.locator('button.primary').isEnabled())) throw new Error('Start not enabled again');
  });
  await step('the home program is printable: the print view hides the buttons', async () => {
    await ph.emulateMedia({ media: 'print' });
    const shown = await ph.locator('#print').isVisible();
    await ph.emulateMedia({ media: 'screen' });
    return !shown;
  });
  await step('a revoked home link: the page says so', async () => {
    const r = await post(`/api/clients/${cid}/home-link`, {}, csrf);
    await ph.goto(BASE + new URL(r.data.url).pathname); await ph.waitForSelector('section.ex-c');
    await post(`/api/links/${r.data.id}/revoke`, {}, csrf);
    await ph.reload(); await ph.waitForSelector('#gone'); return true;
  });
  for (const [name, p] of [['intake', path]]) {
    await step(`?lang=fr on the ${name} page: no English left`, async () => {
      const r = await post(`/api/clients/${cid}/intake-link`, {}, csrf);
      await ph.goto(BASE + new URL(r.data.url).pathname + '?lang=fr');
      await ph.waitForSelector('#cintake-form');
      await ph.screenshot({ path: join(SHOTS, 'client-intake-fr-390.png'), fullPage: true });
      const q = await (await ph.request.get(BASE + '/api/intake/' + r.data.token)).json();
      const left = await englishLeft(ph, strings(q.questions).sort((a, b) => b.length - a.length));
      if (left.length) throw new Error(left.slice(0, 5).join(' | '));
    });
  }
  await step('no page errors', () => { if (problems.length) throw new Error(problems.join('; ')); });
} catch (e) { bad('run', e.stack || e.message); }
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
