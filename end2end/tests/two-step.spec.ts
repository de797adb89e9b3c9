// Two-step verification with an authenticator app: set up in Account Settings (the code
// computed from the secret the page shows, as the app would), the second login step with a
// later code, a wrong or reused code refused, a recovery code in place of the app, a company
// that requires it (set with the CLI) sending its user to set it up before anything else, and
// the admin's Security page; with and without JavaScript, axe-core where JavaScript runs.
import type { Locator, Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { expectNoAxeViolations } from '../fixtures/axe';
import { createUser, latchCli, uniqueCompany, type TestUser } from '../fixtures/latch';
import { base32Decode, totp, totpForKey } from '../fixtures/totp';

const wrongAppCode = 'That code is not right, or it was used already. Type the code the app shows now.';
const step = 30_000;

/** Password only: lands wherever the login goes next (home, or the second step). */
async function submitPassword(page: Page, javaScript: boolean, user: TestUser) {
  await page.goto('/login');
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function logIn(page: Page, javaScript: boolean, user: TestUser) {
  await submitPassword(page, javaScript, user);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
}

/** Password right, second step pending: /login/verify asks for the code. */
async function reachSecondStep(page: Page, javaScript: boolean, user: TestUser) {
  await submitPassword(page, javaScript, user);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Two-step verification' })).toBeVisible();
  if (javaScript) await waitForHydration(page);
}

/** The arrow next to the username → "Log out". */
async function logOut(page: Page, javaScript: boolean, user: TestUser) {
  if (javaScript) await waitForHydration(page);
  await page.getByRole('button', { name: user.name }).click();
  await page.locator('#user-menu-items').getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: user.name })).toHaveCount(0);
}

/** The secret as the page shows it (groups of four), checked for its shape. */
async function shownSecret(scope: Locator | Page): Promise<string> {
  const secret = scope.locator('#totp-secret');
  await expect(secret).toHaveText(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  const text = (await secret.textContent()) ?? '';
  // At least 128 bits of seed (RFC 4226 asks for 128, recommends 160).
  expect(base32Decode(text).length).toBeGreaterThanOrEqual(16);
  return text;
}

/** A six-digit code the app would show at no step near now. */
function neverRightCode(secret: string): string {
  const near = [-1, 0, 1, 2].map((offset) => totp(secret, Date.now() + offset * step));
  let code = near[1];
  while (near.includes(code)) code = ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');
  return code;
}

/** The recovery codes the card shows once, checked for their shape. */
async function shownRecoveryCodes(page: Page): Promise<string[]> {
  const region = page.getByRole('region', { name: 'Your recovery codes' });
  await expect(region.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible();
  const codes = region.locator('#recovery-codes li code');
  await expect(codes).toHaveCount(10);
  const texts = await codes.allTextContents();
  for (const code of texts) expect(code).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
  expect(new Set(texts).size).toBe(10);
  return texts;
}

interface TurnedOn {
  secret: string;
  recoveryCodes: string[];
  /** The code that turned it on: its step can never be used again. */
  usedCode: string;
}

/** Account Settings → Two-step verification → set up the app, type its code, save the codes. */
async function turnOnApp(page: Page, javaScript: boolean, user: TestUser, axe = false): Promise<TurnedOn> {
  await page.goto('/settings/account');
  if (javaScript) await waitForHydration(page);
  const card = page.locator('#two-step');
  await expect(card.getByRole('heading', { level: 2, name: 'Two-step verification' })).toBeVisible();
  await expect(card.getByText('Two-step verification is off.')).toBeVisible();

  // Signed in with the password just now, but not confirmed for this: asked again.
  await card.getByLabel('Current password', { exact: true }).fill(user.password);
  await card.getByRole('button', { name: 'Set up an authenticator app' }).click();

  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' }).locator('svg')).toHaveCount(1);
  const secret = await shownSecret(card);
  await expect(card.getByRole('button', { name: 'Cancel' })).toBeVisible();
  if (javaScript) await waitForHydration(page);
  if (axe) await expectNoAxeViolations(page, 'Two-step verification card during setup (QR code shown)');

  const usedCode = totp(secret);
  await card.getByLabel('6-digit code from the app').fill(usedCode);
  await card.getByRole('button', { name: 'Turn on' }).click();

  await expect(page).toHaveURL(/\/settings\/account\?two_step=on#two-step$/);
  await expect(card.getByRole('status')).toHaveText('Two-step verification is on. Save your recovery codes below.');
  const recoveryCodes = await shownRecoveryCodes(page);
  if (javaScript) await waitForHydration(page);
  if (axe) await expectNoAxeViolations(page, 'Two-step verification card with the new recovery codes');

  await card.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByRole('region', { name: 'Your recovery codes' })).toHaveCount(0);
  await expect(card.locator('#recovery-codes')).toHaveCount(0);
  await expect(card.locator('#two-step-state')).toHaveText('Two-step verification is on.');
  await expect(card.getByRole('button', { name: 'Remove Authenticator app' })).toBeVisible();
  await expect(card.getByRole('heading', { name: 'Recovery codes', exact: true })).toBeVisible();
  await expect(card.getByText('You have 10 unused recovery codes.')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Make new recovery codes' })).toBeVisible();
  // The password was confirmed a moment ago: not asked again for a while.
  await expect(card.getByLabel('Current password', { exact: true })).toHaveCount(0);
  return { secret, recoveryCodes, usedCode };
}

test('the TOTP helper computes the RFC 6238 SHA-1 test vectors', () => {
  // RFC 6238 appendix B: the ASCII key "12345678901234567890" (here in base32), 8 digits.
  const key = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  expect(key.toString('ascii')).toBe('12345678901234567890');
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) expect(totpForKey(key, seconds * 1000, 8)).toBe(code);
  // Six digits are the last six of the same number.
  expect(totp('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ', 59_000)).toBe('287082');
});

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'after hydration' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('set up an authenticator app, then log in with a later code; a wrong or used code is refused', async ({ page }) => {
      const user = createUser('totp');
      await logIn(page, javaScript, user);
      const { secret, usedCode } = await turnOnApp(page, javaScript, user, javaScript);

      await logOut(page, javaScript, user);
      await reachSecondStep(page, javaScript, user);
      const field = page.getByLabel('Enter the 6-digit code from your authenticator app');
      await expect(field).toBeVisible();
      await expect(page.getByRole('link', { name: 'Use a recovery code' })).toBeVisible();
      if (javaScript) await expectNoAxeViolations(page, 'the second login step (/login/verify)');

      // A code the app never showed: refused, still on this page, nothing signed in.
      await field.fill(neverRightCode(secret));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert')).toHaveText(wrongAppCode);
      await expect(page).toHaveURL(/\/login\/verify$/);
      await expect(field).toHaveAttribute('aria-invalid', 'true');
      await expect(field).toHaveAttribute('aria-describedby', 'code-error');
      await expect(field).toHaveValue('');
      await expect(page.getByRole('button', { name: user.name })).toHaveCount(0);
      if (javaScript) await expectNoAxeViolations(page, 'the second login step with a wrong code');

      // The code that turned the app on was right, but its step is spent.
      await field.fill(usedCode);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert')).toHaveText(wrongAppCode);
      await expect(page).toHaveURL(/\/login\/verify$/);

      // The next step's code (within the one-step window): in, and on to the home page.
      await field.fill(totp(secret, Date.now() + step));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
      await expect(page).toHaveURL(/\/$/);
    });

    test('the second step goes on to the page the login was for', async ({ page }) => {
      const user = createUser('totpnext');
      await logIn(page, javaScript, user);
      const { secret } = await turnOnApp(page, javaScript, user);
      await logOut(page, javaScript, user);

      await page.goto('/settings');
      await expect(page).toHaveURL(/\/login\?next=\/settings$/);
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('Username or email').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page).toHaveURL(/\/login\/verify/);
      if (javaScript) await waitForHydration(page);
      // Before the code, there is no session: a signed-in page still sends to the login.
      const early = await page.request.get('/settings', { maxRedirects: 0 });
      expect(early.status(), await early.text()).toBeGreaterThanOrEqual(300);
      expect(early.status()).toBeLessThan(400);
      expect(early.headers()['location']).toMatch(/^\/login/);

      await page.getByLabel('Enter the 6-digit code from your authenticator app').fill(totp(secret, Date.now() + step));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page).toHaveURL(/\/settings$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
    });

    test('log in with a recovery code in place of the app; that code then no longer works', async ({ page }) => {
      const user = createUser('recovery');
      await logIn(page, javaScript, user);
      const { recoveryCodes } = await turnOnApp(page, javaScript, user);
      await logOut(page, javaScript, user);

      await reachSecondStep(page, javaScript, user);
      await page.getByRole('link', { name: 'Use a recovery code' }).click();
      await expect(page).toHaveURL(/\/login\/verify\?with=recovery-code$/);
      if (javaScript) await waitForHydration(page);
      const field = page.getByLabel('Recovery code', { exact: true });
      await expect(field).toBeVisible();
      await expect(page.getByRole('link', { name: 'Use the code from your app' })).toBeVisible();
      if (javaScript) await expectNoAxeViolations(page, 'the second login step with a recovery code');
      await field.fill(recoveryCodes[3]);
      await page.getByRole('button', { name: 'Verify' }).click();

      await expect(page).toHaveURL(/\/settings\/account\?two_step=recovery-used-9#two-step$/);
      const card = page.locator('#two-step');
      await expect(card.getByRole('status')).toHaveText('You logged in with a recovery code. You have 9 left.');
      await expect(card.getByText('You have 9 unused recovery codes.')).toBeVisible();
      await expect(page.getByRole('button', { name: user.name })).toBeVisible();

      // Spent: the same code is refused next time.
      await logOut(page, javaScript, user);
      await reachSecondStep(page, javaScript, user);
      await page.getByRole('link', { name: 'Use a recovery code' }).click();
      await expect(page).toHaveURL(/\/login\/verify\?with=recovery-code$/);
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('Recovery code', { exact: true }).fill(recoveryCodes[3]);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert')).toHaveText('That recovery code is not right, or it was used already.');
      await expect(page).toHaveURL(/\/login\/verify/);
      await expect(page.getByRole('button', { name: user.name })).toHaveCount(0);
    });

    test('a company that requires two-step verification: its user sets up the app before anything else', async ({ page }) => {
      const company = uniqueCompany('PT Wajib');
      latchCli(['company', 'add', company]);
      latchCli(['company', 'set', company, '--require-2fa', 'everyone']);
      const user = createUser('enrol', { company });

      await submitPassword(page, javaScript, user);
      await expect(page).toHaveURL(/\/login\/verify$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Set up two-step verification' })).toBeVisible();
      await expect(
        page.getByText('Your company requires two-step verification. Set up an authenticator app to continue.'),
      ).toBeVisible();
      await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
      const secret = await shownSecret(page);
      // Not signed in yet: no user menu, and a signed-in page sends back to the login.
      await expect(page.getByRole('button', { name: user.name })).toHaveCount(0);
      const early = await page.request.get('/settings/account', { maxRedirects: 0 });
      expect(early.status()).toBeGreaterThanOrEqual(300);
      expect(early.status()).toBeLessThan(400);
      expect(early.headers()['location']).toMatch(/^\/login/);
      if (javaScript) {
        await waitForHydration(page);
        await expectNoAxeViolations(page, 'setting up two-step verification at login (/login/verify)');
      }

      const field = page.getByLabel('6-digit code from the app');
      await field.fill(neverRightCode(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await expect(page.getByRole('alert')).toHaveText(wrongAppCode);
      await expect(page).toHaveURL(/\/login\/verify$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Set up two-step verification' })).toBeVisible();
      // The same secret still: the app the user scanned keeps working.
      await expect(page.locator('#totp-secret')).toHaveText(secret);

      await field.fill(totp(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await expect(page).toHaveURL(/\/settings\/account\?two_step=on#two-step$/);
      const card = page.locator('#two-step');
      await expect(card.getByRole('status')).toHaveText('Two-step verification is on. Save your recovery codes below.');
      await shownRecoveryCodes(page);
      await expect(card.getByText('Your company requires two-step verification.', { exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: user.name })).toBeVisible();
      if (javaScript) await waitForHydration(page);
      await card.getByRole('button', { name: 'I have saved these codes' }).click();
      await expect(card.locator('#recovery-codes')).toHaveCount(0);
      await expect(card.locator('#two-step-state')).toHaveText('Two-step verification is on.');
    });

    test('an admin sets the company policy on the Security page', async ({ page }) => {
      const company = uniqueCompany('PT Aman');
      const admin = createUser('secadmin', { company, admin: true });
      await logIn(page, javaScript, admin);
      await page.goto('/settings');
      if (javaScript) await waitForHydration(page);
      const nav = page.getByRole('navigation', { name: 'Settings' });
      await nav.getByRole('link', { name: 'Security' }).click();
      await expect(page).toHaveURL(/\/settings\/security$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Security' })).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Security' })).toHaveAttribute('aria-current', 'page');
      if (javaScript) await waitForHydration(page);

      const group = page.getByRole('group', { name: 'Require two-step verification' });
      await expect(group.getByRole('radio', { name: 'Not required' })).toBeChecked();
      await expect(group.getByRole('radio', { name: 'Require two-step verification for admins' })).not.toBeChecked();
      await expect(group.getByRole('radio', { name: 'Require two-step verification for everyone' })).not.toBeChecked();
      if (javaScript) await expectNoAxeViolations(page, 'the Security page (admin)');

      const alerts = page.getByRole('checkbox', {
        name: 'Email users when someone signs in to their account from a new browser',
      });
      await expect(alerts).toBeChecked();
      await group.getByRole('radio', { name: 'Require two-step verification for admins' }).check();
      await alerts.uncheck();
      await page.getByLabel('Current password', { exact: true }).fill(admin.password);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect(page.getByRole('status')).toHaveText('The security policy was saved.');
      await expect(page.getByLabel('Current password', { exact: true })).toHaveCount(0);

      await page.reload();
      if (javaScript) await waitForHydration(page);
      await expect(page.getByRole('radio', { name: 'Require two-step verification for admins' })).toBeChecked();
      await expect(page.getByRole('radio', { name: 'Not required' })).not.toBeChecked();
      await expect(alerts).not.toBeChecked();

      // The admin is now covered: their next login sets up the app first.
      await logOut(page, javaScript, admin);
      await submitPassword(page, javaScript, admin);
      await expect(page).toHaveURL(/\/login\/verify$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Set up two-step verification' })).toBeVisible();
    });
  });
}
