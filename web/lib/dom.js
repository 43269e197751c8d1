/* dom.js: element building (h, svgEl), form fields and submit/click handlers, and the message
** box.  Every node is built with textContent: no text is ever parsed as HTML. */

import { t } from './i18n.js';
import { errorSentence } from './format.js';

export const SVGNS = 'http://www.w3.org/2000/svg';
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/* h('button', {class: 'primary', onclick: fn}, 'Save'): an element with attributes, properties
** (on* as listeners, a `dataset` object) and children (strings, nodes, arrays, null). */
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}
export function append(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : String(k));
  }
  return el;
}
/* replace(el, kids...): el's children become kids, flattened and without null, undefined or
** false as append takes them (the DOM's replaceChildren would print an array or a null). */
export function replace(el, ...kids) { el.replaceChildren(); return append(el, kids); }
export function svgEl(tag, attrs) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

/* ---------- messages ---------- */

export function showMsg(text, kind = 'error') {
  const box = $('#msg');
  box.className = 'msg ' + kind;
  box.replaceChildren(h('span', {}, text),
    h('button', { type: 'button', onclick: clearMsg, 'aria-label': t('msg.dismiss-label') }, t('msg.dismiss')));
  box.hidden = false;
}
export function clearMsg() { const box = $('#msg'); box.hidden = true; box.replaceChildren(); }
export function showError(err) {
  if (err && err.handled) return;
  console.warn(err);
  showMsg(errorSentence(err), 'error');
}

/* A table in a box that scrolls sideways on a narrow screen (focusable, so a keyboard scrolls it). */
export function tableWrap(label, table) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label }, table);
}
export function field(label, input, hint) {
  const id = input.id || (input.id = 'f-' + Math.random().toString(36).slice(2, 9));
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('span', { class: 'hint' }, hint) : null);
}
/* A submit listener: collects the form's named values, disables its buttons while fn runs,
** shows an error without touching what was typed. */
export function submitter(form, fn) {
  return async (ev) => {
    ev.preventDefault();
    const v = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') v[el.name] = el.checked;
      else if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; }
      else v[el.name] = el.value.trim();
    }
    const buttons = $$('button', form);
    buttons.forEach((b) => { b.disabled = true; });
    clearMsg();
    try { await fn(v); } catch (e) { showError(e); } finally { buttons.forEach((b) => { b.disabled = false; }); }
  };
}
/* A click listener with the same error handling. */
export function action(fn) {
  return async (ev) => {
    const b = ev && ev.currentTarget;
    if (b && b.tagName === 'BUTTON') b.disabled = true;
    try { await fn(ev); } catch (e) { showError(e); } finally { if (b && b.tagName === 'BUTTON') b.disabled = false; }
  };
}
