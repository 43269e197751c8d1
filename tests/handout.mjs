// handout.mjs: render myomap's HTML handouts in headless chromium (Debian's, driven by
// playwright-core): no console errors, no failed or outside requests, the body chart present
// with a press point per exercise, and a PNG screenshot.  Usage:
//   node tests/handout.mjs OUT_DIR handout1.html [handout2.html ...]
// Prints one line per check and "handout: N passed, N failed".
import { chromium } from 'playwright-core';
import { existsSync, statSync } from 'node:fs';
import { resolve, basename } from 'node:path';

const [outDir, ...files] = process.argv.slice(2);
let pass = 0, fail = 0;
const ok = (name) => { pass++; console.log(`  ok   ${name}`); };
const ko = (name, why) => { fail++; console.log(`  FAIL ${name}${why ? ': ' + why : ''}`); };

const exe = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(exe)) {
  console.log(`  FAIL chromium not found at ${exe}`);
  console.log('handout: 0 passed, 1 failed');
  process.exit(1);
}
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const file of files) {
    const name = basename(file);
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`outside request: ${r.url()}`); });
    await page.goto('file://' + resolve(file), { waitUntil: 'load' });
    errors.length === 0 ? ok(`${name}: no console errors or outside requests`) : ko(`${name}: console`, errors.join('; '));
    const svg = await page.locator('svg').count();
    svg >= 1 ? ok(`${name}: body chart rendered`) : ko(`${name}: body chart`, 'no <svg>');
    const exercises = await page.locator('.ex:not(.skip)').count();
    const box = await page.locator('svg').first().boundingBox();
    box && box.width > 300 && box.height > 200 ? ok(`${name}: chart is ${Math.round(box.width)}x${Math.round(box.height)} px`)
                                              : ko(`${name}: chart size`, JSON.stringify(box));
    const press = await page.locator('svg [data-mark="press"]').count();
    exercises === 0 || press > 0 ? ok(`${name}: ${exercises} exercises, ${press} press marks on the chart`)
                                 : ko(`${name}: press marks`, `${exercises} exercises but no press mark`);
    const png = resolve(outDir, name.replace(/\.html$/, '.png'));
    await page.screenshot({ path: png, fullPage: true });
    existsSync(png) && statSync(png).size > 20000 ? ok(`${name}: screenshot ${png} (${statSync(png).size} bytes)`)
                                                  : ko(`${name}: screenshot`, png);
    const pdfPrint = await page.emulateMedia({ media: 'print' }).then(() => page.locator('h1').isVisible());
    pdfPrint ? ok(`${name}: prints`) : ko(`${name}: print media`);
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(`handout: ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
