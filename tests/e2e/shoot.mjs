// Screenshots for a person to look at: node shoot.mjs [name ...] [--width=N] [--dark] [--print] [--hash=#id]
// Writes artifacts/screenshots/<name>-<width>-<scheme>.png for the named pages (all pages by default).
import { join } from 'node:path';
import { artifactsDir, launch, openPage } from './lib/browser.mjs';
import { startSite } from './lib/site.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => args.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const names = args.filter((a) => !a.startsWith('--'));
const widths = opt('width', '375,1280').split(',').map(Number);
const schemes = args.includes('--dark') ? ['dark'] : args.includes('--both') ? ['light', 'dark'] : ['light'];
const site = await startSite();
const browser = await launch();
try {
  for (const url of site.pages) {
    const name = site.name(url);
    if (names.length && !names.includes(name)) continue;
    for (const width of widths) {
      for (const colorScheme of schemes) {
        const visit = await openPage(browser, url + opt('hash', ''), { width, height: 900, colorScheme });
        if (args.includes('--print')) await visit.page.emulateMedia({ media: 'print' });
        const path = join(artifactsDir('screenshots'), `${name}-${width}-${colorScheme}${args.includes('--print') ? '-print' : ''}.png`);
        await visit.page.screenshot({ path, fullPage: !args.includes('--viewport') });
        console.log(path);
        await visit.close();
      }
    }
  }
} finally {
  await browser.close();
  await site.close();
}
