/* i18n.js: every user-visible string of the app, from one translation table per language
** (web/i18n/LANG.json: keys named by screen, placeholders like {name}).  The language is the
** page's ?lang=, else the stored choice, else the browser's languages, else English; English
** fills any key a translation lacks. */

/* The languages there is a file for: a new language is its file and its code here. */
export const LANGUAGES = ['en', 'fr'];
/* Each language's name in itself, for the chooser. */
export const LANGUAGE_NAMES = { en: 'English', fr: 'Français' };
const KEY = 'myomap-lang';
let table = {}, english = {};
export let lang = 'en';

/* The language to use: ?lang=xx (kept for next time), the stored one, navigator.languages. */
function choose() {
  const want = [];
  const q = new URLSearchParams(location.search).get('lang');
  if (q) want.push(q);
  try { const s = localStorage.getItem(KEY); if (s) want.push(s); } catch { /* private mode */ }
  want.push(...(navigator.languages || [navigator.language || '']));
  for (const w of want) {
    const base = String(w || '').toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) {
      if (q && base === q.toLowerCase().split('-')[0]) { try { localStorage.setItem(KEY, base); } catch { /* fine */ } }
      return base;
    }
  }
  return 'en';
}

async function fetchOnce(code) {
  const r = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`no translation file for ${code}`);
  return r.json();
}
/* A table, asked again once after a short wait when the first try fails (a busy server, a
** dropped connection): without it every string of the page would show as its key. */
async function fetchTable(code) {
  try { return await fetchOnce(code); } catch { await new Promise((ok) => setTimeout(ok, 300)); return fetchOnce(code); }
}

/* Loads the English table and the chosen language's; call once before the first screen. */
export async function loadLanguage() {
  lang = choose();
  english = await fetchTable('en');
  table = lang === 'en' ? english : await fetchTable(lang).catch(() => english);
  document.documentElement.lang = lang;
}

/* t('intake.title', {name: 'Ann'}): the string of key with {name} placeholders filled; when no
** table has it, fallback if given, else the key itself (so a missing string shows). */
export function t(key, vars, fallback) {
  let s = table[key];
  if (s === undefined) s = english[key];
  if (s === undefined && fallback !== undefined) return fallback;
  if (s === undefined) { console.error('i18n: no string for', key); return key; }
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? m : String(vars[k]))) : s;
}
/* Whether a key exists (for optional strings such as an error code's sentence). */
export function has(key) { return table[key] !== undefined || english[key] !== undefined; }

/* The chooser's change: kept for next time, then the page again in that language (a ?lang= in
** the address would win over the stored choice, so it goes). */
export function setLanguage(code) {
  if (!LANGUAGES.includes(code)) return;
  try { localStorage.setItem(KEY, code); } catch { /* private mode: the address carries it */ }
  const u = new URL(location.href);
  u.searchParams.delete('lang');
  if (!localStorageWorks()) u.searchParams.set('lang', code);
  if (u.toString() === location.href) location.reload(); else location.replace(u.toString());
}
function localStorageWorks() { try { localStorage.setItem(KEY + '-t', '1'); localStorage.removeItem(KEY + '-t'); return true; } catch { return false; } }
