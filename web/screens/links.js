/* links.js: the client's links card (on the intake screen): send an intake link or the home
** program link (the url, Copy, the QR code), the links made so far with Revoke. */
import { api } from '../lib/api.js';
import { action, h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/* The QR code's SVG text as an image from a data: URL: never parsed into the page. */
function qrImage(svgText, label) {
  return h('img', { class: 'qr', alt: label, width: 180, height: 180, src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(String(svgText || '')) });
}
export async function linksCard(clientId) {
  const made = h('div', { id: 'link-made', 'aria-live': 'polite' });
  const list = h('div', { id: 'links-list' });
  async function reload() {
    let r;
    try { r = await api('GET', `/api/clients/${clientId}/links`); } catch (e) { if (e.status === 401) throw e; list.replaceChildren(h('p', { class: 'muted' }, e.message)); return; }
    const links = r.links || [];
    list.replaceChildren(links.length ? h('ul', { class: 'links' }, links.map((l) => h('li', { dataset: { link: l.id, state: l.state } },
      h('strong', {}, t('links.kind-' + l.kind, null, l.kind)), ' — ', t('links.state-' + l.state, null, l.state),
      h('span', { class: 'muted small' }, ' ', t('links.expires', { date: String(l.expires || '').slice(0, 10) })),
      l.intake ? h('span', { class: 'small' }, ' ', t('links.filled', { n: l.intake })) : null,
      l.state === 'usable' ? h('button', { type: 'button', class: 'danger', onclick: action(async () => { await api('POST', `/api/links/${l.id}/revoke`, {}); await reload(); }) }, t('links.revoke')) : null)))
      : h('p', { class: 'muted' }, t('links.none')));
  }
  const make = (kind) => action(async () => {
    const r = await api('POST', `/api/clients/${clientId}/${kind}-link`, {});
    const input = h('input', { readonly: true, value: r.url, id: 'link-url', 'aria-label': t('links.url') });
    const copied = h('span', { class: 'small', 'aria-live': 'polite' });
    made.replaceChildren(h('div', { class: 'card' },
      h('p', {}, h('strong', {}, t(kind === 'intake' ? 'links.made-intake' : 'links.made-home')), ' ', t('links.expires', { date: String(r.expires || '').slice(0, 10) })),
      h('div', { class: 'row' }, input, h('button', { type: 'button', id: 'link-copy', onclick: async () => {
        try { await navigator.clipboard.writeText(r.url); copied.textContent = t('links.copied'); } catch { input.select(); copied.textContent = t('links.copy-by-hand'); }
      } }, t('links.copy')), copied),
      r.qr ? qrImage(r.qr, t('links.qr')) : null));
    await reload();
  });
  await reload();
  return h('section', { class: 'card', id: 'links-card' },
    h('h2', {}, t('links.title')), h('p', { class: 'muted' }, t('links.why')),
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'send-intake-link', onclick: make('intake') }, t('links.send-intake')),
      h('button', { type: 'button', id: 'send-home-link', onclick: make('home') }, t('links.send-home'))),
    made, list);
}
