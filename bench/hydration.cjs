// Time from navigation to hydrated for the login page, in Debian's Chromium driven by
// Playwright (the copy end2end/ installs), each run in a fresh browser context (empty cache,
// like a first visit). Prints one line of key=value pairs for bench/run:
// medians of first contentful paint and DOMContentLoaded (the server-rendered page, usable
// without JavaScript: the reference) and of hydration (WASM loaded and in charge), plus the
// same-origin files the page loaded.
//
//   node bench/hydration.cjs URL [RUNS] [local|cpu4|fast3g]
//
// cpu4: Chromium's CPU slowed 4× (a mid-range phone); fast3g: the network of a phone on "fast
// 3G", 150 ms round trips and 1.6 Mbit/s down, 750 kbit/s up (both through the DevTools
// protocol, as Lighthouse throttles).
const path = require('node:path');
const { createRequire } = require('node:module');

const fromEnd2end = createRequire(path.join(__dirname, '../end2end/package.json'));
const { chromium } = fromEnd2end('playwright-core');
const { launchOptions } = require('../end2end/chromium.cjs');

const url = process.argv[2];
const runs = Number(process.argv[3] ?? 20);
const conditions = process.argv[4] ?? 'local';
if (!['local', 'cpu4', 'fast3g'].includes(conditions)) throw new Error(`unknown conditions ${conditions}`);

async function throttle(context, page) {
  if (conditions === 'local') return;
  const cdp = await context.newCDPSession(page);
  if (conditions === 'cpu4') await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  if (conditions === 'fast3g') {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1000 * 1000) / 8,
      uploadThroughput: (750 * 1000) / 8,
    });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

async function main() {
  const browser = await chromium.launch(launchOptions);
  const samples = { fcp: [], dcl: [], hydrated: [] };
  let assets = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await throttle(context, page);
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // Stamp the moment the app marks <body data-hydrated="true">, relative to navigation start.
      await page.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.body?.dataset.hydrated === 'true') {
            window.__hydratedAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
      });
      await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
      await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
      const timing = await page.evaluate(() => ({
        hydrated: window.__hydratedAt,
        dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        assets: performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name))
          .filter((address) => address.origin === location.origin)
          .map((address) => address.pathname),
      }));
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      samples.fcp.push(timing.fcp);
      samples.dcl.push(timing.dcl);
      samples.hydrated.push(timing.hydrated);
      assets = timing.assets;
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const ms = (value) => value.toFixed(1);
  console.log(
    [
      `runs=${runs}`,
      `conditions=${conditions}`,
      `fcp_p50_ms=${ms(median(samples.fcp))}`,
      `dcl_p50_ms=${ms(median(samples.dcl))}`,
      `hydrated_p50_ms=${ms(median(samples.hydrated))}`,
      `hydrated_min_ms=${ms(Math.min(...samples.hydrated))}`,
      `hydrated_max_ms=${ms(Math.max(...samples.hydrated))}`,
      `assets=${[...new Set(assets)].join(',')}`,
    ].join(' '),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
