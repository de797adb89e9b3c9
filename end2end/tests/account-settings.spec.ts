import type { Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser, type TestUser } from '../fixtures/latch';
import { waitForMail } from '../fixtures/mailbox';

const newPassword = 'plum tractor whistle cobalt';

async function logIn(page: Page, javaScript: boolean, user: TestUser, password = user.password) {
  await page.goto('/login');
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
}

/** The arrow next to the username → "Profile Settings" → "Account Settings". */
async function openAccountSettings(page: Page, javaScript: boolean, user: TestUser) {
  const menuButton = page.getByRole('button', { name: user.name });
  if (javaScript) await waitForHydration(page);
  await menuButton.click();
  await page.locator('#user-menu-items').getByRole('link', { name: 'Profile Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Settings' });
  await nav.getByRole('link', { name: 'Account Settings' }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Account Settings' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Account Settings' })).toHaveAttribute('aria-current', 'page');
  if (javaScript) await waitForHydration(page);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'after hydration' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('change password from the arrow menu, stay signed in here, other devices signed out', async ({ page, browser }) => {
      const user = createUser('change');
      // Another device, signed in before the change.
      const otherDevice = await browser.newContext({ javaScriptEnabled: javaScript });
      const otherPage = await otherDevice.newPage();
      await logIn(otherPage, javaScript, user);

      await logIn(page, javaScript, user);
      await openAccountSettings(page, javaScript, user);
      await expect(page.getByLabel('Sign out of other devices')).toBeChecked();

      // A wrong existing password is refused at its field and changes nothing.
      await page.getByLabel('Existing password').fill('not my password');
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill(newPassword);
      await page.getByRole('button', { name: 'Update' }).click();
      await expect(page.getByRole('alert')).toHaveText(/existing password is not right/);
      await expect(page.getByLabel('Existing password')).toHaveAttribute('aria-describedby', 'existing-error');
      await expect(page.getByLabel('Existing password')).toHaveAttribute('aria-invalid', 'true');
      await expect(page).toHaveURL(/\/settings\/account$/);

      await page.getByLabel('Existing password').fill(user.password);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill(newPassword);
      await page.getByRole('button', { name: 'Update' }).click();

      await expect(page.getByRole('status')).toHaveText(
        'Your password was changed. Your other devices were signed out; you stay signed in here.',
      );
      await expect(page.getByLabel('Existing password')).toHaveValue('');
      await expect(page.getByRole('button', { name: user.name })).toBeVisible();
      await waitForMail(user.email, /Your password was changed/);

      // This device is still signed in; the other one is not.
      await page.goto('/settings');
      await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
      await otherPage.goto('/settings');
      await expect(otherPage).toHaveURL(/\/login\?next=\/settings$/);
      await otherDevice.close();

      // The new password logs in; the old one no longer does.
      await page.context().clearCookies();
      await logIn(page, javaScript, user, newPassword);
    });

    test('a password the policy refuses is explained at its field', async ({ page }) => {
      const user = createUser('policy');
      await logIn(page, javaScript, user);
      await page.goto('/settings/account');
      if (javaScript) await waitForHydration(page);

      await page.getByLabel('Existing password').fill(user.password);
      await page.getByLabel('New password', { exact: true }).fill('iloveyou');
      await page.getByLabel('Confirm new password').fill('iloveyou');
      await page.getByRole('button', { name: 'Update' }).click();

      const error = page.locator('#password-error');
      await expect(error).toHaveText(/one of the most common passwords/);
      await expect(error).toHaveAttribute('role', 'alert');
      await expect(page.getByLabel('New password', { exact: true })).toHaveAttribute(
        'aria-describedby',
        'password-error password-hint',
      );
    });

    test('choose a time zone: it is kept, and the emails give their times in it', async ({ page }) => {
      const user = createUser('zone');
      await logIn(page, javaScript, user);
      await openAccountSettings(page, javaScript, user);
      const zone = page.getByRole('combobox', { name: 'Time zone' });
      await expect(zone).toHaveValue('');

      await zone.selectOption('Asia/Makassar');
      await page.getByRole('button', { name: 'Save time zone' }).click();
      await expect(page.getByRole('status')).toHaveText('Your time zone has been saved.');
      await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Asia/Makassar');

      // Signed out, "Forgot Password": the email says until when, in Central Indonesian Time.
      await page.context().clearCookies();
      await page.goto('/forgot-password');
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('button', { name: 'Send me reset password instructions' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
      const mail = await waitForMail(user.email, /Reset your password/);
      expect(mail.text).toMatch(/valid\s+for\s+30\s+minutes,\s+until\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4},\s+\d{2}:\d{2}\s+WITA\./);
    });

    test('choose Bahasa Indonesia: every page switches, and back to the browser\'s language', async ({ page }) => {
      const user = createUser('language');
      await logIn(page, javaScript, user);
      await openAccountSettings(page, javaScript, user);

      await page.getByRole('combobox', { name: 'Language' }).selectOption('id');
      await page.getByRole('button', { name: 'Save language' }).click();

      await expect(page.getByRole('heading', { level: 1, name: 'Pengaturan Akun' })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'id');
      await expect(page.getByRole('status')).toHaveText('Bahasa Anda telah disimpan.');
      await expect(page.getByRole('button', { name: 'Perbarui' })).toBeVisible();
      if (javaScript) await waitForHydration(page);

      await page.getByRole('combobox', { name: 'Bahasa tampilan' }).selectOption('');
      await page.getByRole('button', { name: 'Simpan bahasa' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Account Settings' })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    });
  });
}

test('the strength meter and the policy reasons follow the typing', async ({ page }) => {
  const user = createUser('meter');
  await logIn(page, true, user);
  await page.goto('/settings/account');
  await waitForHydration(page);
  const field = page.getByLabel('New password', { exact: true });
  const strength = page.locator('#password-strength');

  await expect(strength).toBeEmpty();
  await field.pressSequentially('ilove');
  await expect(strength).toContainText('The password is too short');
  await field.pressSequentially('you');
  await expect(strength).toContainText('one of the most common passwords');
  await expect(strength).not.toContainText('too short');

  await field.fill('');
  await field.pressSequentially(`${user.username} rocks`);
  await expect(strength).toContainText('The password contains your username');

  await field.fill('');
  await field.pressSequentially(newPassword);
  await expect(strength).toContainText('Strength: Very strong');
  await expect(strength).toContainText('This password meets the policy.');
});
