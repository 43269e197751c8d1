// handout.mjs: render myomap's HTML handouts in headless chromium (Debian's, driven by
// playwright-core): no console errors, no failed or outside requests, the body chart present
// with a press point per exercise, and a PNG screenshot.  Usage:
//   node tests/handout.mjs OUT_DIR handout1.html[:ACTIVITY,...] [handout2.html ...]
// A handout named with activities must list each in "What keeps it coming back" as reported,
// with its advice and sources, before the activities only the treated points give.
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
  for (const arg of files) {
    const [file, acts] = arg.split(':');
    const reported = acts ? acts.split(',') : [];
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
    const factors = page.locator('#perpetuating ~ ul.factors li[data-activity]');
    const nf = await factors.count();
    const heading = await page.locator('h2#perpetuating').isVisible().catch(() => false);
    const items = [];
    for (let i = 0; i < nf; i++) {
      const li = factors.nth(i);
      items.push({ id: await li.getAttribute('data-activity'), why: (await li.getAttribute('data-why')) || '',
                   text: await li.innerText(), src: await li.locator('.src').count() });
    }
    heading && nf > 0 && items.every((x) => x.src > 0 && x.text.length > 60)
      ? ok(`${name}: what keeps it coming back: ${nf} pieces of advice, each with its sources`)
      : ko(`${name}: what keeps it coming back`, `heading ${heading}, ${nf} items`);
    for (const a of reported) {
      const it = items.find((x) => x.id === a);
      it && /reported/.test(it.why) ? ok(`${name}: ${a} is there as reported`) : ko(`${name}: reported ${a}`, JSON.stringify(it));
    }
    const firstOther = items.findIndex((x) => !/reported|hours/.test(x.why));
    const lastReported = items.map((x) => /reported|hours/.test(x.why)).lastIndexOf(true);
    firstOther < 0 || lastReported < firstOther ? ok(`${name}: reported factors come first`)
                                                : ko(`${name}: order`, items.map((x) => x.id + ':' + x.why).join(' '));
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
