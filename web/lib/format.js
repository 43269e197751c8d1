/* format.js: words for people: sides, ids as words, dates, ranges, durations, sources, errors. */
import { t, has } from './i18n.js';
import { vocabNow } from './vocab.js';

export const sideName = (s) => (s === 'l' ? t('side.left') : s === 'r' ? t('side.right') : '');
export const human = (id) => String(id || '').replace(/-/g, ' ');
export const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
export const num = (v) => (v === '' || v === null || v === undefined ? undefined : Number(v));
export const range = (a) => (Array.isArray(a) ? (a[0] === a[1] ? `${a[0]}` : `${a[0]}–${a[1]}`) : '');
export const clock = (iso) => { const d = new Date(iso); return isNaN(d) ? iso : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }); };
export const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/* 72 hours -> "3 days", 336 -> "2 weeks", 10 -> "less than a day" */
export function duration(hours) {
  if (hours === null || hours === undefined || !(hours >= 0)) return '';
  const days = Math.round(hours / 24);
  if (hours < 24) return t('time.under-a-day');
  if (days < 14) return t(days === 1 ? 'time.day' : 'time.days', { n: days });
  const weeks = Math.round(days / 7);
  return t('time.weeks', { n: weeks });
}

/* The short name of a source from its citation: "Travell & Simons, vol 1" for the Trigger Point
** Manual's volumes, else "Kellgren 1938", "Alvarez & Rockwell 2002", "Gerwin et al 1997". */
export function sourceShort(key) {
  const v = vocabNow();
  const cite = v && v.source.get(key);
  if (!cite) return key;
  const vol = cite.match(/Trigger Point Manual\.\s*Volume (\d+)/);
  if (vol) return t('source.ts-volume', { n: vol[1] });
  const year = (cite.match(/\b(1[89]|20)\d\d\b/g) || []).pop() || '';
  const authors = cite.split(/\.\s/)[0].split(/,\s*/).map((a) => a.trim().split(/\s+/)[0]).filter(Boolean);
  const names = authors.length === 1 ? authors[0] : authors.length === 2 ? `${authors[0]} & ${authors[1]}` : t('source.et-al', { name: authors[0] });
  return `${names}${year ? ' ' + year : ''}`;
}
/* A source as people cite it: "ts1 ch 6" or {key:"ts1", locator:"ch 6"} -> "Travell & Simons,
** vol 1, ch 6". */
export function sourceName(x) {
  let key = x, loc = '';
  if (x && typeof x === 'object') { key = x.key; loc = x.locator || ''; }
  else { const m = String(x || '').match(/^(\S+)\s*(.*)$/); if (m) { key = m[1]; loc = m[2]; } }
  const short = sourceShort(key);
  return loc ? `${short}, ${loc}` : short;
}
/* The full citation of a source key, for a tooltip. */
export function sourceCite(x) {
  const key = x && typeof x === 'object' ? x.key : String(x || '').split(/\s/)[0];
  const v = vocabNow();
  return (v && v.source.get(key)) || '';
}

/* An error as a sentence for people: the translation of its code where there is one, else the
** server's message with a capital and a full stop; never the code itself. */
export function errorSentence(err) {
  const code = err && err.code;
  if (code && has('error.' + code)) return t('error.' + code, { message: err.message });
  let m = String((err && err.message) || err || t('error.unknown')).trim();
  if (/(^|\s)--\w/.test(m)) m = t('error.settings');   /* a command-line flag means nothing here */
  m = capital(m);
  return /[.!?]$/.test(m) ? m : m + '.';
}
