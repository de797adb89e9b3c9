// Passkeys with Chromium's virtual authenticator (the DevTools Protocol's WebAuthn domain, through
// a CDP session): "Add a passkey" in Account Settings, then "Use your passkey" at the second
// login step; without JavaScript the step says passkeys need it and offers a recovery code.
//
// A passkey belongs to a domain name, and the suite's Latch is reached as 127.0.0.1 (an address
// no passkey can be bound to). So this spec starts a Latch of its own whose public URL is
// http://localhost:<port>: the relying party Latch tells the browser comes from that setting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { expectNoAxeViolations } from '../fixtures/axe';
import { addUser, latchCli, type TestUser } from '../fixtures/latch';
import { Processes, waitUntil } from '../fixtures/processes';
import { latchBinary, latchEnv } from '../playwright.config';

test.describe.configure({ mode: 'serial' });

const port = Number(process.env.E2E_PASSKEY_LATCH_PORT ?? 3140);
const site = `http://localhost:${port}`;
const company = `PT Kunci ${Date.now().toString(36)}`;

let processes: Processes;
let user: TestUser;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const dir = fs.mkdtempSync(path.join(process.env.E2E_RUN_DIR ?? os.tmpdir(), 'passkeys-'));
  const env = {
    ...latchEnv,
    LATCH_DATABASE_URL: `sqlite://${path.join(dir, 'latch.db')}?mode=rwc`,
    LATCH_PUBLIC_URL: site,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
  };
  processes = new Processes(dir);
  processes.run('latch', latchBinary, ['serve'], env);
  await waitUntil(`http://127.0.0.1:${port}/ready`, (status) => status === 200);
  latchCli(['company', 'add', company], '', env);
  user = addUser(company, 'key', {}, env);
});

test.afterAll(async () => {
  await processes?.stop();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && processes) {
    await testInfo.attach('latch.log', { body: processes.log('latch'), contentType: 'text/plain' });
  }
});

/** A platform authenticator (fingerprint or face: it verifies the user) in `page`'s browser. */
async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function credentialsIn(cdp: CDPSession, authenticatorId: string) {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials;
}

async function submitPassword(page: Page, javaScript: boolean) {
  await page.goto(`${site}/login`);
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a passkey added in Account Settings is the second step of the next login', async ({ page, context }) => {
  const { cdp, authenticatorId } = await virtualAuthenticator(context, page);
  await submitPassword(page, true);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();

  await page.goto(`${site}/settings/account`);
  await waitForHydration(page);
  const add = page.getByRole('button', { name: 'Add a passkey' });
  await expect(add).toBeVisible();
  await expectNoAxeViolations(page, 'Account Settings with the passkey form');
  await page.getByLabel('Name of this passkey').fill('Work laptop');
  await page.getByLabel('Your password').fill(user.password);
  await add.click();

  // A first method: recovery codes come with it.
  await expect(page.getByText('Two-step verification is on. Save your recovery codes below.')).toBeVisible();
  await expect(page.getByText('Passkey: Work laptop')).toBeVisible();
  expect(await credentialsIn(cdp, authenticatorId)).toHaveLength(1);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByRole('region', { name: 'Your recovery codes' })).toHaveCount(0);

  // The next login: the password, then the passkey.
  await context.clearCookies();
  await submitPassword(page, true);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await waitForHydration(page);
  await expect(page.getByText('Use the passkey or security key you added to your account.')).toBeVisible();
  await expectNoAxeViolations(page, 'the second step with a passkey');
  await page.getByRole('button', { name: 'Use your passkey' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
  const [credential] = await credentialsIn(cdp, authenticatorId);
  expect(credential.signCount, 'it signed twice: the registration and this login').toBeGreaterThanOrEqual(1);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the second step says passkeys need JavaScript and offers a recovery code', async ({ page }) => {
    await submitPassword(page, false);
    await expect(page).toHaveURL(/\/login\/verify$/);
    await expect(page.getByText('Passkeys need JavaScript. Turn it on in your browser to add or use one.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Use your passkey' })).toBeHidden();
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await expect(page.getByLabel('Recovery code')).toBeVisible();
  });
});
