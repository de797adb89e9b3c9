// How Latch's browser tests and benchmarks start Chromium: Debian's build (Playwright's own
// browser download cannot work on these machines), headless, and with no background traffic
// on a closed network. Used by end2end/playwright.config.ts and bench/hydration.cjs.
module.exports.launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
