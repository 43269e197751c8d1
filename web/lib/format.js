/* format.js: words for people: sides, ids as words, dates, ranges. */

export const sideName = (s) => (s === 'l' ? 'left' : s === 'r' ? 'right' : '');
export const human = (id) => String(id || '').replace(/-/g, ' ');
export const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
export const num = (v) => (v === '' || v === null || v === undefined ? undefined : Number(v));
export const range = (a) => (Array.isArray(a) ? (a[0] === a[1] ? `${a[0]}` : `${a[0]}–${a[1]}`) : '');
export const clock = (iso) => { const d = new Date(iso); return isNaN(d) ? iso : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }); };
