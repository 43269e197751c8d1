// french.mjs: myomap in French (fr-CA), against a running `myomap serve` on a fresh database.
// 1. web/i18n/fr.json has every key of en.json, no other, each with the same {placeholders}.
// 2. The API's vocabularies and client pages in French: ?lang=fr and Accept-Language, Vary, an
//    ETag per language, 304, ?lang=xx refused.
// 3. A French browser (locale fr-CA: its Accept-Language and navigator.language, no ?lang=) on
//    every screen of the therapist's app and on the client's pages (the intake link, the phone
//    during a session, the home program, the handout): no English left.  "English left" is a
//    visible text or an aria-label, placeholder, title or alt that holds, as a whole word, a
//    piece of an en.json value whose French differs (the pieces between placeholders, of 4
//    letters or more), or a red-flag question as the API asks it in English.  Words the same in
//    both languages (Notes, Plan, Stress...) are not in that list, being the same in fr.json;
//    ALLOWED holds the names that are no language's (myomap, FHIR, CSV, NPRS...).
// 4. Screenshots of each screen at 1024x768 and 390x844 into SHOTS (fr-*.png), and the nav on
//    one line at 1024 px in French.
// Usage: MYOMAP_URL=http://127.0.0.1:18090 SHOTS=build/shots node tests/french.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const BASE = (process.env.MYOMAP_URL || 'http://127.0.0.1:18090').replace(/\/$/, '');
const SHOTS = process.env.SHOTS || 'build/shots';
const T = 15000;
mkdirSync(SHOTS, { recursive: true });
let passed = 0, failed = 0;
const ok = (n) => { passed++; console.log(`ok - ${n}`); };
const bad = (n, w) => { failed++; console.log(`not ok - ${n}: ${String(w).slice(0, 600)}`); };
async function step(n, fn) { try { if ((await fn()) !== false) ok(n); else bad(n, 'false'); } catch (e) { bad(n, e.message); } }
const load = (f) => JSON.parse(readFileSync(new URL(`../web/i18n/${f}.json`, import.meta.url), 'utf8'));
const EN = load('en'), FR = load('fr');

/* ---- 1. the translation table ---- */
const holes = (s) => (String(s).match(/\{\w+\}/g) || []).sort().join(' ');
await step('fr.json has every key of en.json and no other', () => {
  const missing = Object.keys(EN).filter((k) => !(k in FR)), extra = Object.keys(FR).filter((k) => !(k in EN));
  if (missing.length || extra.length) throw new Error(`missing ${missing.slice(0, 8).join(', ')}; extra ${extra.slice(0, 8).join(', ')}`);
});
await step('each French string has the same placeholders as its English, and is empty only where the English is', () => {
  const wrong = Object.keys(EN).filter((k) => k in FR && (holes(EN[k]) !== holes(FR[k]) || (EN[k].trim() === '') !== (FR[k].trim() === '')));
  if (wrong.length) throw new Error(wrong.slice(0, 8).map((k) => `${k}: "${EN[k]}" / "${FR[k]}"`).join('; '));
});

/* The English pieces to look for: of each en value whose French differs, the text between its
** placeholders, trimmed of punctuation, with 4 letters or more. */
const ALLOWED = new Set(['front' /* French too: le front, the forehead */, 'myomap', 'FHIR', 'CSV', 'NPRS', 'PSFS', 'NDI', 'SOAP', 'QR', 'UTC', 'README', 'Travell & Simons']);
const pieces = [...new Set(Object.keys(EN).filter((k) => EN[k] !== FR[k]).flatMap((k) => EN[k].split(/\{\w+\}/))
  .map((s) => s.replace(/^[\s.,:;!?()—–\-→←…“”"'·⚠]+|[\s.,:;!?()—–\-→←…“”"'·⚠]+$/gu, ''))
  .filter((s) => (s.match(/\p{L}/gu) || []).length >= 4 && !ALLOWED.has(s)))];
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const word = (s) => new RegExp(`(?<![\\p{L}\\p{N}])${esc(s)}(?![\\p{L}\\p{N}])`, 'u');
/* a piece that is French as well (Sources, Atlas, Actions...: in some French string) is no sign */
const FR_TEXT = Object.values(FR).join('\n');
const english_only = (list) => list.filter((s) => !word(s).test(FR_TEXT));
const patterns = (list) => english_only(list).map((s) => [s, word(s)]);
let EN_PATTERNS = patterns(pieces);
async function pageText(p) {
  return p.evaluate(() => {
    const out = [document.title];
    out.push(document.body.innerText);
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], img[alt]'))
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    for (const el of document.querySelectorAll('option, button, input[type=submit]')) out.push(el.textContent || el.value || '');
    return out.join('\n');
  });
}
/* The strings of the API's JSON answers that are not translated: those of the routes without
** Vary: Accept-Language (the therapist's knowledge base as the plan, the ranking, a muscle's
** page and the conditions give it, and the records: audit details, names).  They are taken out
** of the page's text before the check and counted, so that the check is of the app's own words
** and of the translated routes (whose English would remain). */
/* The routes translated in part (the plan, the session state, the ranking, the client's intakes
** with their rankings): they have Vary too, and what stays English in them (a muscle's own how,
** the trigger points' names and locations) is taken out as above: the strings of the French
** answer that are the same in the English one, asked again with ?lang=en (a GET, or the same
** POST for the plan and the ranking, which store nothing). */
const PARTLY = [
  [/^\/api\/sessions\/([^/]+)(\/(pre|hold|consent|stop|post|cancel))?$/, (m) => ['GET', `/api/sessions/${m[1]}`]],
  [/^\/api\/sessions$/, (m, r, j) => j && j.id ? ['GET', `/api/sessions/${encodeURIComponent(j.id)}`] : null],
  [/^\/api\/(plan|where)$/, (m, r) => ['POST', m[0]]],
  [/^\/api\/clients\/(\d+)(\/intakes)?$/, (m) => ['GET', `/api/clients/${m[1]}`]],
  [/^\/api\/(muscles\/[a-z0-9-]+|conditions)$/, (m) => ['GET', m[0]]],   /* the atlas: a muscle's notes stay English */
  [/^\/api\/clients\/\d+\/visits$/, (m) => ['GET', m[0]]],
];
const untranslated = new WeakMap(), pending = new WeakMap();
const strings = (o) => (typeof o === 'string' ? [o] : o && typeof o === 'object' ? Object.values(o).flatMap(strings) : []);
const PARTLY_SEEN = {};   /* per route: French strings kept as translated, and left as English */
function collect(p) {
  const set = new Set(), waits = [];
  untranslated.set(p, set);
  pending.set(p, waits);
  const add = (x) => {
    if (x.length >= 4) set.add(x).add(x[0].toUpperCase() + x.slice(1));   /* a list may capitalise a name */
    for (const part of x.split(/[()[\];:,.]/)) if (part.trim().length >= 10) set.add(part.trim());   /* a screen may show a name without its parenthesis */
  };
  p.on('response', (r) => waits.push((async () => {
    if (!/\/api\//.test(r.url()) || !/json/.test(r.headers()['content-type'] || '')) return;
    try {
      const u = new URL(r.url()), j = await r.json();
      if (!/accept-language/i.test(r.headers().vary || '')) { strings(j).forEach(add); return; }
      const rule = PARTLY.map(([re, f]) => [u.pathname.match(re), f]).find(([m]) => m);
      if (!rule || r.status() !== 200) return;
      const again = rule[1](rule[0], r, j);
      if (!again) return;
      const rq = r.request(), url = `${u.origin}${again[1]}?lang=en`;
      const en = again[0] === 'GET' ? await p.request.get(url)
        : await p.request.post(url, { data: rq.postData() || '{}', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': (await rq.allHeaders())['x-csrf-token'] || '' } });
      const E = new Set(strings(await en.json()));
      const route = u.pathname.replace(/\/[A-Za-z0-9_-]{16,}|\/\d+/g, '/N'), seen = PARTLY_SEEN[route] ||= { french: 0, english: 0 };
      for (const x of strings(j)) { if (E.has(x)) { seen.english++; add(x); } else seen.french++; }
    } catch { /* no body */ }
  })()));
}
const KB_LEFT = {};
/* The knowledge base's own English that has a French translation (kb/*.kb against kb/fr/*.kb):
** each text of some length (a muscle's [treat] position and how, a trigger point's name and
** location, a contraindication's advice, a condition, a technique, a label...) whose French
** differs.  Looked for in each screen's text (and the handout's) before anything is taken out:
** one found is English left, and fails the screen (counted in KB_EN_LEFT). */
const KB_DIR = new URL('../kb/', import.meta.url);
function kbTexts(file) {
  const out = new Map();
  let kind = null, id = null, muscle = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const h = line.match(/^\[([a-z-]+) ([a-z0-9-]+)\]\s*$/);
    if (h) {
      [, kind, id] = h;
      if (kind === 'muscle') muscle = id;
      if (['treat', 'tp', 'selfcare'].includes(kind) && !file.pathname.includes('/fr/')) id = `${muscle}-${id}`;
      continue;
    }
    const kv = line.match(/^([a-z-]+) = (.+)$/);
    if (kind && kv) out.set(`${kind} ${id} ${kv[1]}`, kv[2].trim());
  }
  return out;
}
const KB_ENGLISH = [];
for (const f of readdirSync(new URL('fr/', KB_DIR)).filter((x) => x.endsWith('.kb'))) {
  const fr = kbTexts(new URL(`fr/${f}`, KB_DIR));
  let en;
  try { en = kbTexts(new URL(f, KB_DIR)); } catch { continue; }   /* regions.kb: regions.tsv */
  /* (not a French that quotes its English: « pin and stretch ») */
  for (const [k, v] of en) if (fr.has(k) && !fr.get(k).includes(v) && v.length >= 10 && /\s/.test(v)) KB_ENGLISH.push(v.replace(/\s+/g, ' '));
}
const KB_EN_LEFT = {};
/* the sources' citations: titles of published works stay in their language (the handout's and
** the plan's references); filled from GET /api/vocabulary */
const CITATIONS = [];
async function english(p, name = '') {
  /* the answers read so far (at most 3 s: a stream's body never ends) */
  const waits = (pending.get(p) || []).splice(0);
  await Promise.race([Promise.all(waits), new Promise((res) => setTimeout(res, 3000))]);
  let text = (await pageText(p)).replace(/[ \t\u00a0]+/g, ' ');
  const kbText = CITATIONS.reduce((t, c) => t.split(c).join(' '), text);   /* the works' titles are English */
  const kbLeft = KB_ENGLISH.filter((x) => kbText.includes(x) || kbText.includes(x[0].toUpperCase() + x.slice(1)));   /* a list may capitalise it */
  if (kbLeft.length) KB_EN_LEFT[name || 'handout'] = [kbLeft.length, kbLeft[0].slice(0, 60)];
  const around = (x) => { const i = Math.max(kbText.indexOf(x), kbText.indexOf(x[0].toUpperCase() + x.slice(1))); return kbText.slice(Math.max(0, i - 40), i + Math.min(x.length, 80) + 40).replace(/\s+/g, ' '); };
  if (kbLeft.length) return kbLeft.map((x) => `the knowledge base's English: ${x.slice(0, 80)} [${around(x)}]`);
  const server = [...(untranslated.get(p) || []), ...CITATIONS].sort((a, b) => b.length - a.length);
  let n = 0;
  for (const w of server) { const parts = text.split(w); if (parts.length > 1) { n += parts.length - 1; text = parts.join(' '); } }
  if (n) KB_LEFT[name] = n;
  text = text.replace(/(?<![\p{L}\p{N}])[a-z0-9]+(?:-[a-z0-9]+)+(?![\p{L}\p{N}])/gu, ' ');   /* ids: temple-l, upper-trapezius-tp1 */
  /* each with a little of its context, to find it */
  return EN_PATTERNS.map(([s, re]) => [s, text.match(re)]).filter(([, m]) => m)
    .map(([s, m]) => `${s} [${text.slice(Math.max(0, m.index - 40), m.index + s.length + 40).replace(/\s+/g, ' ')}]`);
}
/* Buttons whose text does not fit: wider than the button, or the button past the right edge of
** the box it sits in (a list item, a card, a section). */
async function overflow(p) {
  return p.evaluate(() => [...document.querySelectorAll('button, a.button, #nav a')].filter((b) => b.offsetParent).flatMap((b) => {
    const r = b.getBoundingClientRect(), box = b.parentElement && b.parentElement.closest('li, .card, section, form, header');
    const out = b.scrollWidth > b.clientWidth + 1 || (box && r.right > box.getBoundingClientRect().right + 1);
    return out ? [b.textContent.trim().slice(0, 40)] : [];
  }));
}
const shots = [];
async function shoot(p, name, both = true) {
  const vp = p.viewportSize();
  await p.screenshot({ path: join(SHOTS, `fr-${name}-${vp.width}.png`), fullPage: true });
  shots.push(`fr-${name}-${vp.width}.png`);
  if (!both) return;
  await p.setViewportSize({ width: 390, height: 844 });
  await p.waitForTimeout(150);
  await p.screenshot({ path: join(SHOTS, `fr-${name}-390.png`), fullPage: true });
  shots.push(`fr-${name}-390.png`);
  await p.setViewportSize(vp);
  await p.waitForTimeout(100);
}
async function screen(p, name, ready, opts = {}) {
  await step(`${name} in French: no English left`, async () => {
    if (ready) await p.waitForSelector(ready, { timeout: T });
    await p.waitForTimeout(200);
    const left = await english(p, name);
    const over = await overflow(p);
    await shoot(p, name, opts.both !== false);
    if (left.length) throw new Error(left.slice(0, 10).map((s) => `“${s}”`).join(' ; '));
    if (over.length) throw new Error(`French text wider than its button or box: ${over.slice(0, 6).join(' | ')}`);
  });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const problems = [];
const watch = (p, l) => { p.on('pageerror', (e) => problems.push(`${l}: ${e.message}`)); p.on('console', (m) => { if (m.type() === 'error' && !/status of 4(01|04|09|10)/.test(m.text())) problems.push(`${l} console: ${m.text()}`); }); };
try {
  /* ---- 2. the API ---- */
  const api = await browser.newContext();
  const get = async (path, headers = {}) => { const r = await api.request.get(BASE + path, { headers }); return { status: r.status(), h: r.headers(), text: await r.text() }; };
  const vEn = await get('/api/regions'), vFr = await get('/api/regions', { 'Accept-Language': 'fr-CA,fr;q=0.9,en;q=0.5' }), vQ = await get('/api/regions?lang=fr');
  await step('GET /api/regions: French labels with Accept-Language: fr-CA and with ?lang=fr, English without', () => {
    const lab = (r) => JSON.parse(r.text).regions.find((x) => x.id === 'temple-l').label;
    if (lab(vEn) === lab(vFr) || lab(vFr) !== lab(vQ)) throw new Error(`${lab(vEn)} / ${lab(vFr)} / ${lab(vQ)}`);
  });
  await step('... with Vary: Accept-Language and an ETag per language', () => {
    if (!/accept-language/i.test(vFr.h.vary || '') || !/accept-language/i.test(vEn.h.vary || '')) throw new Error(`vary ${vFr.h.vary}`);
    if (!vEn.h.etag || !vFr.h.etag || vEn.h.etag === vFr.h.etag || vFr.h.etag !== vQ.h.etag) throw new Error(`${vEn.h.etag} ${vFr.h.etag} ${vQ.h.etag}`);
  });
  await step('... 304 for the French ETag asked in French, 200 for it asked in English', async () => {
    const a = await get('/api/regions?lang=fr', { 'If-None-Match': vFr.h.etag }), b = await get('/api/regions?lang=en', { 'If-None-Match': vFr.h.etag });
    return a.status === 304 && a.text === '' && b.status === 200;
  });
  await step('?lang=xx is refused with a 400 that names the languages', async () => {
    const r = await get('/api/regions?lang=xx');
    return r.status === 400 && /en and fr/.test(r.text);
  });
  await step('Accept-Language that myomap does not speak, or refuses French (q=0), gets English', async () => {
    const a = await get('/api/regions', { 'Accept-Language': 'de-DE, es;q=0.8' }), b = await get('/api/regions', { 'Accept-Language': 'fr;q=0, en;q=0.5' });
    return a.h.etag === vEn.h.etag && b.h.etag === vEn.h.etag;
  });

  /* ---- 3. the therapist's app in a French browser ---- */
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'fr-CA' });
  const pg = await ctx.newPage(); watch(pg, 'therapist'); collect(pg);
  await pg.goto(BASE + '/');
  await screen(pg, 'setup', '#setup-form');
  const post = async (path, body, csrf) => { const r = await pg.request.post(BASE + path, { data: body, headers: csrf ? { 'X-CSRF-Token': csrf } : {} }); return { status: r.status(), data: await r.json().catch(() => null) }; };
  const s = await post('/api/setup', { name: 'Geneviève Tremblay', email: 'gen@clinique.example', password: 'cheval correct agrafe 9' });
  const csrf = s.data.csrf;
  const c = await post('/api/clients', { name: 'Mathilde Gagnon', birth: '1981-05-17', consent: true, contraindications: ['anticoagulants'] }, csrf);
  const cid = c.data.id;
  /* the vocabulary as the therapist's app asks it, in English: its questions must not show */
  const vocEn = JSON.parse((await get('/api/vocabulary?lang=en')).text || '{}');
  if (vocEn.error) { const v = await pg.request.get(BASE + '/api/vocabulary?lang=en'); Object.assign(vocEn, await v.json()); delete vocEn.error; }
  /* (and the screens' words and the holds' advice lines, which the app shows from the vocabulary) */
  const flagQuestions = [...(vocEn.flags || []).map((f) => f.question), ...(vocEn.activities || []).map((a) => a.label),
    ...(vocEn.screens || []).flatMap((x) => [x.reason, x.advice]), ...(vocEn.advice || []).map((a) => a.text)];
  const vocFr = await (await pg.request.get(BASE + '/api/vocabulary?lang=fr')).json();
  await step('GET /api/vocabulary?lang=fr: the red-flag questions and activities in French', async () => {
    const fr = await (await pg.request.get(BASE + '/api/vocabulary?lang=fr')).json();
    const same = fr.flags.filter((f, i) => f.question === vocEn.flags[i].question);
    if (!vocEn.flags || same.length) throw new Error(`${same.length} of ${fr.flags.length} flags are the English`);
    return fr.activities.filter((a, i) => a.label !== vocEn.activities[i].label).length > fr.activities.length / 2;
  });
  await step('... every screen item\'s name, reason and advice and every hold advice line in French, the same ids and keys', () => {
    const en = vocEn.screens || [], fr = vocFr.screens || [], ea = vocEn.advice || [], fa = vocFr.advice || [];
    if (en.length < 12 || fr.length !== en.length || fa.length !== ea.length || ea.length < 19) throw new Error(`screens ${en.length}/${fr.length}, advice ${ea.length}/${fa.length}`);
    const bad = [...fr.flatMap((x, i) => (x.id !== en[i].id ? [x.id] : ['label', 'reason', 'advice'].filter((k) => !x[k] || x[k] === en[i][k]).map((k) => `${x.id}.${k}`))),
      ...fa.filter((a, i) => a.key !== ea[i].key || !a.text || a.text === ea[i].text).map((a) => a.key)];
    if (bad.length) throw new Error('English or missing: ' + bad.join(', '));
  });
  EN_PATTERNS = patterns([...pieces, ...flagQuestions.filter((q) => q && q.length > 12)]);
  CITATIONS.push(...(vocEn.sources || []).map((x) => x.label).filter(Boolean));

  await pg.goto(BASE + '/#/clients');
  await screen(pg, 'clients', '#clients-table');
  await step('the page is French from the browser, the header offers English, and the nav fits one line at 1024 px', async () => {
    const v = await pg.evaluate(() => document.documentElement.lang + ' ' + document.querySelector('#lang-switch .lang-long').textContent);
    const tops = await pg.$$eval('#nav a, #who button, #lang-switch', (xs) => xs.map((x) => Math.round(x.getBoundingClientRect().top)));
    if (v !== 'fr English') throw new Error(`page and chooser: ${v}`);
    if (Math.max(...tops) - Math.min(...tops) > 4) throw new Error(`tops ${JSON.stringify(tops)}`);
    const over = await pg.$$eval('#nav a, button', (xs) => xs.filter((x) => x.offsetParent && x.scrollWidth > x.clientWidth + 1).map((x) => x.textContent.trim()));
    if (over.length) throw new Error(`text wider than its button: ${over.join(' | ')}`);
  });

  /* the client fills the intake link on a French phone */
  const link = await post(`/api/clients/${cid}/intake-link`, {}, csrf);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-CA' });
  const ph = await phone.newPage(); watch(ph, 'phone'); collect(ph);
  await ph.goto(BASE + new URL(link.data.url).pathname);
  await screen(ph, 'client-intake', '#cintake-form', { both: false });
  await step('the client fills the intake in French and sends it', async () => {
    await ph.locator('ellipse.region[data-region="temple-l"]').first().dispatchEvent('click');
    await ph.waitForSelector('#marks li[data-region="temple-l"]');
    await ph.selectOption('#marks li[data-region="temple-l"] select', 'tingling');   /* a caution on the screen, in French */
    for (const fs of await ph.locator('fieldset.yn').all()) await fs.locator('input[value="no"]').check();
    await ph.fill('#goals', 'travailler une journée sans mal de tête');
    await ph.check('#consent');
    /* Playwright finds the tall consent label over the button on the emulated phone (the
    ** screenshot shows them apart): the button's own click */
    await ph.$eval('#send', (b) => b.click());
    await ph.waitForSelector('#thanks', { timeout: T });
  });
  await screen(ph, 'client-intake-thanks', '#thanks', { both: false });
  await step('the audit row names the French consent the client read (intake-consent-1-fr)', async () => {
    const r = await (await pg.request.get(BASE + '/api/audit?limit=50')).text();
    return /consent given \(intake-consent-1-fr\)/.test(r);
  });

  await pg.goto(`${BASE}/#/client/${cid}`);
  await screen(pg, 'client', '#visits-card');
  await pg.goto(`${BASE}/#/intake/${cid}`);
  await screen(pg, 'intake', '#client-intake');
  await step('the intake screen says the client filled it, in French, with its screen\'s caution in French', async () => {
    const txt = await pg.textContent('#client-intake');
    if (!/Rempli par le client/.test(txt) || !new RegExp(vocFr.screens.find((x) => x.id === 'tingling').reason.slice(0, 30).replace(/[()]/g, '.')).test(txt)) throw new Error(txt.slice(0, 400));
  });
  await pg.click('#open-client-intake');
  await screen(pg, 'sources', '#candidates li.cand');
  await pg.locator('#candidates li.cand >> nth=0').locator('.treat input[type=checkbox]').check();
  await pg.click('#to-plan');
  await screen(pg, 'plan', '#start-session');
  await pg.click('#start-session');
  await pg.waitForSelector('#steps', { timeout: T });
  const joinLink = await pg.evaluate(() => (JSON.parse(sessionStorage.getItem('myomap') || '{}').session || {}).join || {});
  await screen(pg, 'session', '#pain-pre');
  /* the techniques' labels as kb/fr/care.kb writes them, by technique id */
  const KB_FR = readFileSync(new URL('../kb/fr/care.kb', import.meta.url), 'utf8'), FR_TECH = new Map();
  for (const [, id, label] of KB_FR.matchAll(/^\[technique ([a-z0-9-]+)\]\nlabel = (.+)$/gm)) FR_TECH.set(id, label);
  const KB_EN = readFileSync(new URL('../kb/care.kb', import.meta.url), 'utf8'), EN_TECH = new Map();
  for (const [, id, label] of KB_EN.matchAll(/^\[technique ([a-z0-9-]+)\]\nlabel = (.+)$/gm)) EN_TECH.set(id, label);
  const sid = await pg.evaluate(() => (JSON.parse(sessionStorage.getItem('myomap') || '{}').session || {}).id);
  const stFr = await (await pg.request.get(`${BASE}/api/sessions/${encodeURIComponent(sid)}`, { headers: { 'Accept-Language': 'fr-CA' } })).json();
  const timedSteps = (stFr.plan.steps || []).filter((x) => x.timed && x.technique);
  await step('the French session room shows each step\'s technique by its kb/fr/care.kb label, not its English one', async () => {
    const txt = await pg.textContent('#steps');
    const wrong = timedSteps.filter((x) => !FR_TECH.get(x.technique.id) || FR_TECH.get(x.technique.id) === EN_TECH.get(x.technique.id) ||
      !txt.includes(FR_TECH.get(x.technique.id)) || txt.includes(EN_TECH.get(x.technique.id)));
    if (!timedSteps.length || wrong.length) throw new Error(`${timedSteps.length} timed steps; wrong: ${wrong.slice(0, 4).map((x) => `${x.n} ${x.technique.id}: ${FR_TECH.get(x.technique.id)}`).join('; ')}`);
  });
  await step('... and the muscles by their French names; the stored state in English asked in English', async () => {
    const txt = await pg.textContent('#steps'), stEn = await (await pg.request.get(`${BASE}/api/sessions/${encodeURIComponent(sid)}?lang=en`)).json();
    const names = timedSteps.map((x) => x.muscle_name).filter(Boolean);
    const enTech = (stEn.plan.steps || []).filter((x) => x.timed && x.technique).map((x) => x.technique.label);
    if (!names.length || names.some((n) => !txt.includes(n))) throw new Error(`names ${names.slice(0, 4).join(', ')}`);
    if ((stEn.plan.steps || []).some((x) => 'muscle_name' in x) || enTech.some((l, i) => l !== EN_TECH.get(timedSteps[i].technique.id))) throw new Error(`English: ${enTech.slice(0, 3).join('; ')}`);
  });
  await pg.click('#pain-pre button[data-value="6"]');
  await pg.click('#steps .start-hold >> nth=0');
  await pg.waitForSelector('#end-hold:not([disabled])', { timeout: T });
  await ph.goto(BASE + new URL(joinLink.url || BASE + '/p/none').pathname);
  await screen(ph, 'phone', '#status.on', { both: false });
  await ph.click('#scale button[data-value="5"]');
  await ph.waitForSelector('#sent:not(:empty)', { timeout: T });
  await screen(ph, 'phone-sent', '#sent', { both: false });
  await screen(pg, 'session-hold', '#hold-panel');
  await step('the running hold names its technique by its kb/fr/care.kb label', async () => {
    const txt = await pg.textContent('#hold-panel'), first = timedSteps[0];
    return !!first && txt.includes(FR_TECH.get(first.technique.id)) && !txt.includes(EN_TECH.get(first.technique.id));
  });
  await pg.click('#end-hold');
  await pg.click('#post-form .scale button[data-value="3"]');
  await pg.click('#save-post');
  await pg.click('#end-session');
  await pg.click('#end-confirm-yes');
  await screen(pg, 'notes', '#note-form');
  const visit = await pg.evaluate(() => (JSON.parse(sessionStorage.getItem('myomap') || '{}')).visit);
  console.log(`# visit ${visit}`);   /* tests/run.sh reads its SOAP note with --lang fr */
  await pg.goto(`${BASE}/#/client/${cid}`);
  await screen(pg, 'client-visits', '#visits details.visit');
  await pg.goto(`${BASE}/#/progress/${cid}`);
  await screen(pg, 'progress', '#measure-form');
  await pg.goto(`${BASE}/#/home/${cid}`);
  await screen(pg, 'home', '#handout-link');
  await step('the handout in French: lang fr-CA, no English left', async () => {
    const [popup] = await Promise.all([pg.waitForEvent('popup', { timeout: T }), pg.click('#handout-link')]);
    await popup.waitForLoadState();
    const lang = await popup.evaluate(() => document.documentElement.lang);
    const left = await english(popup);
    await popup.screenshot({ path: join(SHOTS, 'fr-handout-1024.png'), fullPage: true });
    await popup.close();
    if (!/^fr/.test(lang)) throw new Error(`lang ${lang}`);
    if (left.length) throw new Error(left.slice(0, 10).join(', '));
  });
  const hl = await post(`/api/clients/${cid}/home-link`, {}, csrf);
  await ph.goto(BASE + new URL(hl.data.url).pathname);
  await screen(ph, 'client-home', '.ex-c, #view p', { both: false });
  /* a plan with what the first one lacked: points not treated (an open wound at the temple, the
  ** techniques a contraindication rules out or whose movement it forbids), a caution (pregnancy
  ** at the top of the shoulder), a sensitive area (gluteal), points not in the ranking */
  const pt = await pg.request.patch(`${BASE}/api/clients/${cid}`, { headers: { 'X-CSRF-Token': csrf }, data: { contraindications:
    ['anticoagulants', 'pregnancy', 'cervical-arterial-dysfunction', { id: 'open-wound', region: 'temple-l' }] } });
  await pg.evaluate(() => { const st = JSON.parse(sessionStorage.getItem('myomap') || '{}');
    st.ticked = ['temporalis-tp4:l', 'upper-trapezius-tp1:l', 'piriformis-tp1:r', 'levator-scapulae-upper:l']; sessionStorage.setItem('myomap', JSON.stringify(st)); });
  await pg.goto('about:blank');   /* a new page reads the ticked points again */
  await pg.goto(`${BASE}/#/plan/${cid}`);
  await screen(pg, 'plan-blocked', '#view .sensitive-step');
  await step('... its blocked points, cautions and sensitive steps named in French', async () => {
    const txt = await pg.textContent('#view');
    const want = [FR['phase.release'], FR['phase.stretch'], 'PG4, fibres postérieures', 'plaie ouverte', 'grossesse', 'région fessière'];
    const miss = want.filter((w) => !txt.toLowerCase().includes(w.toLowerCase()));
    if (pt.status() !== 200 || miss.length || !(await pg.$('#view .danger-zone.caution')) || !(await pg.$('#view .sensitive-step')))
      throw new Error(`PATCH ${pt.status()}; missing ${miss.join(' | ')}`);
  });
  await pg.goto(`${BASE}/#/atlas`);
  await screen(pg, 'atlas', '#view h1');
  await pg.goto(`${BASE}/#/atlas/muscle:temporalis`);
  await screen(pg, 'atlas-muscle', '#atlas-muscle li.atlas-tp');
  await pg.goto(`${BASE}/#/atlas/condition:whiplash`);
  await screen(pg, 'atlas-condition', '#atlas-condition li');
  await pg.goto(`${BASE}/#/audit`);
  await screen(pg, 'audit', '#view table, #view form');
  await pg.goto(`${BASE}/#/account`);
  await screen(pg, 'account', '#view form');
  await pg.goto(`${BASE}/#/accounts`);
  await screen(pg, 'accounts', '#view table');
  await pg.click('#logout');
  await screen(pg, 'login', 'input[type=password]');
  await step('the chooser switches to English and back, and keeps the choice', async () => {
    const flip = async () => { await Promise.all([pg.waitForNavigation().catch(() => {}), pg.click('#lang-switch')]); await pg.waitForSelector('input[type=password]'); };
    await flip();
    const en = [await pg.textContent('#view'), await pg.textContent('#lang-switch .lang-long')];
    await pg.reload(); await pg.waitForSelector('#lang-switch');
    const kept = await pg.evaluate(() => document.documentElement.lang);
    await flip();
    const fr = [await pg.textContent('#view'), await pg.textContent('#lang-switch .lang-long')];
    if (!en[0].includes(EN['login.title']) || en[1] !== 'Français' || kept !== 'en' || !fr[0].includes(FR['login.title']) || fr[1] !== 'English')
      throw new Error(JSON.stringify({ en: en[1], kept, fr: fr[1] }));
  });
  await step('no page errors', () => { if (problems.length) throw new Error(problems.join('; ')); });
  console.log(`# ${shots.length} screenshots in ${SHOTS}`);
  console.log(`# ${KB_ENGLISH.length} English texts of the knowledge base have a French one; found on the screens (each a failure): ${JSON.stringify(KB_EN_LEFT)}`);
  console.log(`# strings of untranslated API answers (people's names, dates, citations, roles; the other screens' knowledge base), taken out of the check: ${JSON.stringify(KB_LEFT)}`);
  console.log(`# strings of the partly translated answers, French (checked) and English (taken out): ${JSON.stringify(PARTLY_SEEN)}`);
} catch (e) { bad('run', e.stack || e.message); }
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
