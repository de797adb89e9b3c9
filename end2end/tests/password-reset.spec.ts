import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser } from '../fixtures/latch';
import { resetLinkFor, waitForMail } from '../fixtures/mailbox';

const newPassword = 'a brand new passphrase';

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'after hydration' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('forgot password: from the login page to logging in with the new password', async ({ page }) => {
      const user = createUser('reset');
      await page.goto('/login');
      if (javaScript) await waitForHydration(page);

      await page.getByRole('link', { name: 'Forgot Password' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Forgot Password' })).toBeVisible();
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('button', { name: 'Send me reset password instructions' }).click();

      await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
      await expect(page.getByText(/valid for 30 minutes/)).toBeVisible();
      const link = await resetLinkFor(user.email);
      const mail = await waitForMail(user.email, /Reset your password/);
      expect(mail.text).toContain(user.username);

      await page.goto(link);
      await expect(page).toHaveURL(/\/reset-password$/);
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill(newPassword);
      await page.getByRole('button', { name: 'Set new password' }).click();

      await expect(page.getByRole('heading', { level: 1, name: 'Your password was changed' })).toBeVisible();
      await page.getByRole('link', { name: 'Log in' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('Username or email').fill(user.username);
      await page.getByLabel('Password').fill(newPassword);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
      await waitForMail(user.email, /Your password was changed/);

      // The same link again: a clear page, and a way to get a new one.
      await page.goto(link);
      await expect(page.getByRole('heading', { level: 1, name: 'This link has already been used' })).toBeVisible();
      await page.getByRole('link', { name: 'Send me a new link' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Forgot Password' })).toBeVisible();
    });

    test('mismatched passwords are refused at their field and the link still works', async ({ page }) => {
      const user = createUser('mismatch');
      await page.goto('/forgot-password');
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('button', { name: 'Send me reset password instructions' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();

      await page.goto(await resetLinkFor(user.email));
      if (javaScript) await waitForHydration(page);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill('something else entirely');
      await page.getByRole('button', { name: 'Set new password' }).click();

      await expect(page.getByRole('alert')).toHaveText(/not the same/);
      await expect(page.getByLabel('Confirm new password')).toHaveAttribute('aria-describedby', 'confirm-error');
      await expect(page).toHaveURL(/\/reset-password$/);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill(newPassword);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Your password was changed' })).toBeVisible();
    });
  });
}
