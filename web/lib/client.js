/* client.js: what the client's own pages share (/i/TOKEN, /h/TOKEN): the language chooser and
** the sentence for a link that is gone. */
import { t, lang, LANGUAGES, LANGUAGE_NAMES, setLanguage } from './i18n.js';
import { h } from './dom.js';

export function langPick() {
  const sel = h('select', { 'aria-label': t('client.language'), onchange: () => setLanguage(sel.value) },
    LANGUAGES.map((c) => h('option', { value: c, selected: c === lang }, LANGUAGE_NAMES[c] || c)));
  return h('div', { class: 'lang-pick no-print' }, sel);
}
/* 404 and 410: a sentence, not the server's words */
export function gone(status, kind) {
  return [h('h1', {}, t(kind + '.title')),
    h('p', { class: 'gone', id: 'gone' }, t(status === 410 ? 'client.used-or-expired' : 'client.no-link'))];
}
