import type { Browser, Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser, uniqueCompany, type TestUser } from '../fixtures/latch';
import { resetLinkFor, waitForMail } from '../fixtures/mailbox';

const chosenPassword = 'plum tractor whistle cobalt';

async function logIn(page: Page, javaScript: boolean, user: TestUser, password = user.password) {
  await page.goto('/login');
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
}

/** The user opens the emailed link in their own browser and chooses a password. */
async function chooseNewPassword(browser: Browser, javaScript: boolean, user: TestUser) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript });
  const page = await context.newPage();
  await page.goto(await resetLinkFor(user.email));
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('New password', { exact: true }).fill(chosenPassword);
  await page.getByLabel('Confirm new password').fill(chosenPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your password was changed' })).toBeVisible();
  await logIn(page, javaScript, user, chosenPassword);
  await context.close();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'after hydration' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('an admin sends "Reset Password" to a user of their company, who sets a new password', async ({ page, browser }) => {
      const company = uniqueCompany();
      const admin = createUser('admin', { company, admin: true });
      const member = createUser('member', { company });
      const outsider = createUser('outsider');

      await logIn(page, javaScript, admin);
      if (javaScript) await waitForHydration(page);
      await page.getByRole('button', { name: admin.name }).click();
      await page.locator('#user-menu-items').getByRole('link', { name: 'Profile Settings' }).click();
      await expect(page.getByRole('heading', { level: 2, name: 'Users' })).toBeVisible();
      const table = page.getByRole('table');
      await expect(table.getByRole('cell', { name: member.email })).toBeVisible();
      await expect(page.getByText(outsider.email)).toHaveCount(0);

      const row = table.getByRole('row').filter({ hasText: member.email });
      if (javaScript) await waitForHydration(page);
      await row.getByRole('button', { name: `Reset Password — ${member.name}` }).click();
      if (javaScript) {
        const dialog = page.getByRole('dialog', { name: 'Send a password reset email?' });
        await expect(dialog).toBeVisible();
        await expect(dialog).toContainText(member.email);
        await dialog.getByRole('button', { name: 'Send reset email' }).click();
      } else {
        await expect(page.getByRole('heading', { level: 1, name: 'Send a password reset email?' })).toBeVisible();
        await expect(page.getByText(member.email)).toBeVisible();
        await page.getByRole('button', { name: 'Send reset email' }).click();
      }
      await expect(page.getByRole('status')).toContainText(`A password reset email to ${member.name} (${member.email}) is on its way`);
      await expect(page).toHaveURL(/\/settings\?notice=/);

      await chooseNewPassword(browser, javaScript, member);

      // Delivery is visible to the admin (the newest mail now is the "password changed" notice).
      await expect(async () => {
        await page.goto('/settings');
        await expect(page.getByRole('table').getByRole('row').filter({ hasText: member.email })).toContainText(
          'Password changed notice: delivered',
          { timeout: 1_000 },
        );
      }).toPass({ timeout: 15_000 });
    });

    test("an admin's email change needs their password and waits for the new address", async ({ page, browser }) => {
      const company = uniqueCompany();
      const admin = createUser('admin', { company, admin: true });
      const member = createUser('member', { company });
      const newAddress = `new.${member.email}`;

      await logIn(page, javaScript, admin);
      await page.goto('/settings');
      if (javaScript) await waitForHydration(page);
      await page.getByRole('link', { name: `Manage ${member.name}` }).click();
      await expect(page.getByRole('heading', { level: 1, name: member.name })).toBeVisible();

      // Without "Confirm your password" first: refused, and the typed address stays.
      await page.getByLabel('Email', { exact: true }).fill(newAddress);
      await page.getByRole('button', { name: 'Save email address' }).click();
      await expect(page.getByRole('alert')).toContainText('Confirm your password first');
      await expect(page.getByLabel('Email', { exact: true })).toHaveValue(newAddress);

      await page.getByLabel('Your password').fill(admin.password);
      await page.getByRole('button', { name: 'Confirm password' }).click();
      await expect(page.getByRole('status')).toContainText('Password confirmed');
      await page.getByLabel('Email', { exact: true }).fill(newAddress);
      await page.getByRole('button', { name: 'Save email address' }).click();
      await expect(page.getByRole('status')).toContainText(`A confirmation link was sent to ${newAddress}`);
      await expect(page.getByText(`Waiting for confirmation at ${newAddress}`)).toBeVisible();

      // The new address opens its link in its own browser and confirms.
      const mail = await waitForMail(newAddress, /Confirm your new email address/);
      const link = mail.text.match(/https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]+/);
      expect(link, mail.text).not.toBeNull();
      const context = await browser.newContext({ javaScriptEnabled: javaScript });
      const other = await context.newPage();
      await other.goto((link as RegExpMatchArray)[0]);
      if (javaScript) await waitForHydration(other);
      await expect(other.getByText(`Confirm that ${newAddress} becomes the email address of the account ${member.username}`)).toBeVisible();
      await other.getByRole('button', { name: 'Confirm email address' }).click();
      await expect(other.getByRole('heading', { level: 1, name: 'Email address confirmed' })).toBeVisible();
      await context.close();

      await page.reload();
      await expect(page.locator('dd').getByText(newAddress, { exact: true })).toBeVisible();
    });

    test('a member sees no user list', async ({ page }) => {
      const member = createUser('plain');
      await logIn(page, javaScript, member);
      await page.goto('/settings');
      await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Users' })).toHaveCount(0);
      await expect(page.getByRole('button', { name: /Reset Password/ })).toHaveCount(0);
      await page.goto('/settings/activity');
      await expect(page.getByRole('alert')).toHaveText(/Only your company's Admins/);
    });
  });
}

test('the confirmation dialog traps focus, closes with Escape and returns focus', async ({ page }) => {
  const company = uniqueCompany();
  const admin = createUser('admin', { company, admin: true });
  const member = createUser('member', { company });
  await logIn(page, true, admin);
  await page.goto('/settings');
  await waitForHydration(page);

  const opener = page.getByRole('button', { name: `Reset Password — ${member.name}` });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Send a password reset email?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Send reset email' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});

test('names are shown as text, never as markup', async ({ page }) => {
  const company = uniqueCompany();
  const admin = createUser('admin', { company, admin: true });
  const evil = createUser('evil', { company, name: '<img src=x onerror=alert(1)>' });
  let alerted = false;
  page.on('dialog', async (dialog) => {
    alerted = true;
    await dialog.dismiss();
  });
  await logIn(page, true, admin);
  await page.goto('/settings');
  await waitForHydration(page);
  await expect(page.getByRole('table').getByText('<img src=x onerror=alert(1)>', { exact: true })).toBeVisible();
  await expect(page.locator('table img')).toHaveCount(0);
  expect(alerted).toBe(false);
  expect(evil.username).toBeTruthy();
});
