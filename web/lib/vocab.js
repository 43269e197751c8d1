/* vocab.js: the vocabularies the knowledge base holds (activities, pain qualities, onsets, the
** red-flag questions, the screens' items, a hold's advice lines, the sources), from
** GET /api/vocabulary in the page's language, read once per page load. */
import { api } from './api.js';

let vocab = null;
/* {activities:[{id,label}], qualities:[{id,label}], onsets:[id], flags:[{id,question,reason,level}],
** screens:[{id,label,reason,advice,level}], advice:[{key,name,text}], sources:[{id,label}]}, with
** maps activity (id -> label), source (id -> citation), screen (id -> item), advice (key -> text). */
export async function vocabulary() {
  if (vocab) return vocab;
  const v = await api('GET', '/api/vocabulary');
  v.activity = new Map((v.activities || []).map((a) => [a.id, a.label]));
  v.source = new Map((v.sources || []).map((s) => [s.id, s.label]));
  v.screen = new Map((v.screens || []).map((s) => [s.id, s]));
  v.advice = new Map((v.advice || []).map((a) => [a.key, a.text]));
  vocab = v;
  return v;
}
/* The vocabulary when it has been read already (for formatting), else null. */
export function vocabNow() { return vocab; }
