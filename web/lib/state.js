/* state.js: what the screens share: the logged-in user, the working state kept across reloads
** (sessionStorage), the current client, and the router's go/onLeave. */

import { api, auth } from './api.js';

/* The router: go() and render() are the shell's (app.js sets its hooks); router.gen counts
** renders, so that a screen knows when it has been left. */
export const router = { gen: 0, render: async () => {}, nav: () => {}, who: () => {} };
let teardowns = [];
/* Run fn when the screen is left; at once if the screen (render generation gen) is gone already. */
export function onLeave(fn, gen) { if (gen !== undefined && gen !== router.gen) fn(); else teardowns.push(fn); }
/* The teardowns of the screen being left, emptied. */
export function leaving() { return teardowns.splice(0); }
export function go(route) {
  const hash = '#/' + route;
  if (location.hash === hash) router.render(); else location.hash = hash;
}
export function render() { return router.render(); }
/* The answer of /api/login, /api/setup or /api/me kept as the login. */
export function keepLogin(r) { auth.user = r.user; auth.csrf = r.csrf || ''; router.who(); }
/* Redraw the nav (which screens can be reached) with `current` as the page shown. */
export function renderNav(current) { router.nav(current); }
export const state = (() => {
  try { return JSON.parse(sessionStorage.getItem('myomap') || '{}'); } catch { return {}; }
})();
/* client {id,name}; drawing [{region,intensity,quality}]; answers {...}; intake {id,date,screen,where};
** ticked ["tp:side"]; plan; session {id,join,client}; visit N */
export function save() {
  try { sessionStorage.setItem('myomap', JSON.stringify(state)); } catch { /* private mode: fine */ }
}
export function setClient(c) {
  if (!state.client || state.client.id !== c.id) {
    for (const k of ['drawing', 'answers', 'intake', 'ticked', 'plan', 'session', 'visit']) delete state[k];
  }
  state.client = { id: c.id, name: c.name };
  save();
}

export async function ensureClient(id) {
  id = Number(id);
  if (!id) throw new Error('No client chosen: pick one on the Clients screen.');
  if (state.client && state.client.id === id && state.client.name) return state.client;
  const r = await api('GET', '/api/clients/' + id);
  const c = r.client || r;
  setClient({ id, name: c.name });
  return state.client;
}
