/* api.js: the JSON API of docs/api.md: one fetch wrapper and its error. */

import { t, lang } from './i18n.js';

/* The login: auth.user {id,name,email,role} or null; its CSRF token goes with every change. */
export const auth = { user: null, csrf: '' };
let unauthorized = () => {};
/* fn(err) runs when a request outside login answers 401 (the shell goes to the login screen). */
export function onUnauthorized(fn) { unauthorized = fn; }

export class ApiError extends Error {
  constructor(status, code, message, data) { super(message); this.status = status; this.code = code; this.data = data || {}; }
}

/* api('POST', '/api/x', body): the parsed JSON answer (or text for other types); throws ApiError
** with the server's {"error":{code,message}}.  A 401 outside login returns to the login screen. */
export async function api(method, path, body, opts = {}) {
  /* the language chosen here, not the browser's: vocabularies and home programs come in it */
  const init = { method, headers: { Accept: 'application/json', 'Accept-Language': lang }, credentials: 'same-origin' };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  if (method !== 'GET' && auth.csrf) init.headers['X-CSRF-Token'] = auth.csrf;
  let res;
  try { res = await fetch(path, init); } catch (e) {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const type = res.headers.get('content-type') || '';
  let data = null;
  if (type.includes('json')) { try { data = await res.json(); } catch { data = null; } }
  else { data = await res.text(); }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    const err = new ApiError(res.status, e.code || `http-${res.status}`,
      e.message || t('error.http', { status: res.status }), e);
    if (res.status === 401 && !opts.quiet && !/^\/api\/(login|setup)$/.test(path)) {
      auth.user = null; auth.csrf = '';
      err.handled = true;
      unauthorized(err);
    }
    throw err;
  }
  return data;
}
