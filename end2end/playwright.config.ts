import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchOptions } from './chromium.cjs';

// One scratch folder per run (database, logs). Set once in the main process; workers inherit it.
process.env.E2E_RUN_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'latch-e2e-'));
const runDir = process.env.E2E_RUN_DIR;

const latchPort = Number(process.env.E2E_LATCH_PORT ?? 3100);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525);
const maildevPort = Number(process.env.E2E_MAILDEV_PORT ?? 2580);

export const latchUrl = `http://127.0.0.1:${latchPort}`;
/**
 * The `latch` binary under test: the release build by default (`make e2e`); `make test` passes
 * the one its test build already made (target/debug/latch) to save a second server build.
 */
export const latchBinary = path.resolve(__dirname, process.env.E2E_LATCH_BIN ?? '../target/release/latch');
/** maildev's HTTP API, where the tests read the mail Latch sent. */
export const maildevUrl = `http://127.0.0.1:${maildevPort}`;

/** Environment of the `latch` binary under test; fixtures reuse it to run the CLI. */
export const latchEnv = {
  LATCH_DATABASE_URL: `sqlite://${path.join(runDir, 'latch.db')}?mode=rwc`,
  LATCH_PUBLIC_URL: latchUrl,
  // Fixed, so the CLI the fixtures run and the server agree (not a secret: a test key).
  LATCH_SECRET_KEY: 'ZTJlIHRlc3Qgc2VydmVyIGtleSwgbm90IGEgc2VjcmV0IGF0IGFsbA',
  LATCH_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  LATCH_MAIL_FROM: 'Latch <latch@example.test>',
  // Started from end2end/, where there is no Leptos.toml: the binary must find its site by env.
  LEPTOS_SITE_ROOT: path.resolve(__dirname, '../target/site'),
  LEPTOS_SITE_ADDR: `127.0.0.1:${latchPort}`,
  RUST_LOG: 'info',
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: latchUrl,
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `npx maildev --ip 127.0.0.1 --web-ip 127.0.0.1 -s ${smtpPort} -w ${maildevPort} --silent`,
      url: `http://127.0.0.1:${maildevPort}/api/email`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `${latchBinary} serve`,
      env: latchEnv,
      url: `${latchUrl}/ready`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
    },
  ],
});
