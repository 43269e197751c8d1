// record_print.mjs: print myomap's record document (myomap record --html, or
// GET /api/clients/ID/record.html) to PDF with headless chromium (Debian's, driven by
// playwright-core, A4) and read the pages back with pdftotext (poppler-utils), then check what
// a printed record needs: several pages; no console errors or outside requests; the client's
// name on every page (the section's repeated header); each visit's note beginning a page (only
// the header above its heading); and no chart cut across pages (each figure's caption and its
// "End of figure N." on one page).  Usage:
//   node tests/record_print.mjs RECORD.html "CLIENT NAME" VISITS OUT.pdf
// Prints one line per check and "record print: N passed, N failed".
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

const [file, name, visitsArg, pdf] = process.argv.slice(2);
const visits = Number(visitsArg);
let pass = 0, fail = 0;
const ok = (what) => { pass++; console.log(`  ok   ${what}`); };
const ko = (what, why) => { fail++; console.log(`  FAIL ${what}${why ? ': ' + why : ''}`); };
const done = () => { console.log(`record print: ${pass} passed, ${fail} failed`); process.exit(fail ? 1 : 0); };

const exe = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(exe)) { ko(`chromium not found at ${exe}`); done(); }
let figures = 0;
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`outside request: ${r.url()}`); });
  await page.goto('file://' + resolve(file), { waitUntil: 'load' });
  errors.length === 0 ? ok('no console errors or outside requests') : ko('console', errors.join('; '));
  const inputs = await page.locator('input, textarea, select, button, form').count();
  inputs === 0 ? ok('no form controls') : ko('form controls', `${inputs}`);
  figures = await page.locator('figure.chart').count();
  const domVisits = await page.locator('table.visit').count();
  domVisits === visits ? ok(`${visits} visits in the document`) : ko('visits in the document', `${domVisits}, wanted ${visits}`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
} finally {
  await browser.close();
}

const info = execFileSync('pdfinfo', [pdf]).toString();
const pages = Number((info.match(/^Pages:\s+(\d+)/m) || [])[1] || 0);
pages >= 3 ? ok(`the PDF has ${pages} pages`) : ko('several pages', `${pages}`);
const text = [];
for (let i = 1; i <= pages; i++)
  text.push(execFileSync('pdftotext', ['-f', String(i), '-l', String(i), '-layout', pdf, '-']).toString());
const missing = text.map((t, i) => (t.includes(name) ? 0 : i + 1)).filter(Boolean);
missing.length === 0 ? ok(`the client's name on every one of the ${pages} pages`) : ko("the client's name", `missing on pages ${missing.join(', ')}`);

// A visit's heading is the first line under the header: the lines above it hold only the name,
// birth date, client id, clinic and range of the header block.
const starts = [];
text.forEach((t, i) => {
  const lines = t.split('\n').map((l) => l.trim()).filter(Boolean);
  const at = lines.findIndex((l) => /^Treatment note, visit \d+/.test(l));
  if (at < 0) return;
  const above = lines.slice(0, at);
  const headerOnly = above.length <= 2 && above.every((l) => l.includes(name) || /client \d+|born|first record|to \d{4}-/.test(l));
  starts.push({ page: i + 1, headerOnly });
});
starts.length === visits ? ok(`${visits} visit notes, each beginning a page (pages ${starts.map((s) => s.page).join(', ')})`)
                         : ko('a page per visit', `${starts.length} pages begin a visit note, wanted ${visits}`);
const late = starts.filter((s) => !s.headerOnly);
late.length === 0 ? ok('nothing but the header above each visit heading (a page break before each visit)')
                  : ko('page break before each visit', `pages ${late.map((s) => s.page).join(', ')} have other text above`);

// Each figure's caption and its end on the same page.
let whole = 0;
const cut = [];
const lastPage = (re) => text.map((t, i) => (re.test(t) ? i + 1 : 0)).filter(Boolean);
for (let n = 1; ; n++) {
  const top = lastPage(new RegExp(`Figure ${n}\\.`)), end = lastPage(new RegExp(`End of figure ${n}\\.`));
  if (!top.length && !end.length) break;
  if (top.length === 1 && end.length === 1 && top[0] === end[0]) whole++;
  else cut.push(`figure ${n}: caption on ${top.join('/') || '-'}, end on ${end.join('/') || '-'}`);
}
figures > 0 && whole === figures && cut.length === 0 ? ok(`${figures} charts, none cut across pages`)
                                                    : ko('charts cut across pages', `${whole} of ${figures} whole; ${cut.join('; ')}`);
done();
