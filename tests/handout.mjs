// handout.mjs: render myomap's HTML handouts in headless chromium (Debian's, driven by
// playwright-core): no console errors, no failed or outside requests, the body chart present
// with a press point per exercise, and a PNG screenshot.  Usage:
//   node tests/handout.mjs OUT_DIR handout1.html[:ACTIVITY,...] [handout2.html ...]
// A handout named with activities must list each in "What keeps it coming back" as reported,
// with its advice and sources, before the activities only the treated points give.
// A handout named FILE@ENGLISH (FILE:ACTIVITY,...@ENGLISH) is a translation of handout ENGLISH:
// its <html lang> must be fr-CA and no English phrase of ENGLISH's page (three words or more,
// the sources left aside) nor any word of its chart may be left on it.
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
  /* the page's visible text without its sources, cut into phrases; the chart's words */
  const phrases = (text) => text.split(/[.;:()\n]/).map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.split(' ').length >= 3 && /[a-z]{2}/.test(p));
  const pageText = (page) => page.evaluate(() => {
    const b = document.body.cloneNode(true);
    b.querySelectorAll('.src, svg').forEach((e) => e.remove());
    document.documentElement.appendChild(b);   /* innerText needs the copy laid out */
    const t = b.innerText;
    b.remove();
    return t;
  });
  const chartWords = (page) => page.evaluate(() => [...document.querySelectorAll('svg text, svg title')]
    .map((e) => e.textContent.trim()).filter((t) => /[A-Za-z]{2}/.test(t)));
  for (const arg0 of files) {
    const [arg, english] = arg0.split('@');
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
    if (english) {
      const lang = await page.evaluate(() => document.documentElement.lang);
      lang === 'fr-CA' ? ok(`${name}: <html lang="fr-CA">`) : ko(`${name}: lang`, lang);
      const en = await browser.newPage();
      await en.goto('file://' + resolve(english), { waitUntil: 'load' });
      const enText = await pageText(en), enChart = await chartWords(en);
      await en.close();
      const frText = (await pageText(page)).replace(/\s+/g, ' '), frChart = new Set(await chartWords(page));
      const enPhrases = phrases(enText);
      const left = enPhrases.filter((p) => frText.includes(p));
      const leftChart = enChart.filter((w) => frChart.has(w));
      enPhrases.length > 50 && left.length === 0
        ? ok(`${name}: no English left of ${basename(english)}'s ${enPhrases.length} phrases`)
        : ko(`${name}: English left`, `${enPhrases.length} phrases; ${left.slice(0, 8).join(' | ')}`);
      enChart.length > 100 && leftChart.length === 0
        ? ok(`${name}: the chart's ${enChart.length} words and region names translated`)
        : ko(`${name}: chart words left`, leftChart.slice(0, 8).join(' | '));
    }
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
