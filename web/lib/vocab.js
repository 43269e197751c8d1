/* vocab.js: the vocabularies the knowledge base holds (activities, pain qualities, onsets, the
** red-flag questions, the sources), from GET /api/vocabulary, read once per page load. */
import { api } from './api.js';

let vocab = null;
/* {activities:[{id,label}], qualities:[{id,label}], onsets:[id], flags:[{id,question,reason,level}],
** sources:[{id,label}]}, with maps activity (id -> label) and source (id -> citation). */
export async function vocabulary() {
  if (vocab) return vocab;
  const v = await api('GET', '/api/vocabulary');
  v.activity = new Map((v.activities || []).map((a) => [a.id, a.label]));
  v.source = new Map((v.sources || []).map((s) => [s.id, s.label]));
  vocab = v;
  return v;
}
/* The vocabulary when it has been read already (for formatting), else null. */
export function vocabNow() { return vocab; }
