// Account Settings → "Your devices": one browser signs another out of the same account, from
// the keyboard, with and without JavaScript; the list passes axe-core with both rows on it
// (axe runs only where JavaScript does).
import type { Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser, type TestUser } from '../fixtures/latch';
import { expectNoAxeViolations } from '../fixtures/axe';

async function logIn(page: Page, javaScript: boolean, user: TestUser) {
  await page.goto('/login');
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'after hydration' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('"Your devices" signs another browser out', async ({ page, browser }) => {
      const user = createUser('devices');
      const other = await browser.newContext({ javaScriptEnabled: javaScript });
      const otherPage = await other.newPage();
      await logIn(otherPage, javaScript, user);
      await logIn(page, javaScript, user);

      await page.goto('/settings/account');
      if (javaScript) await waitForHydration(page);
      const section = page.locator('#devices');
      await expect(section.getByRole('heading', { level: 2, name: 'Your devices' })).toBeVisible();
      const rows = section.locator('tbody tr');
      await expect(rows).toHaveCount(2);
      const thisRow = rows.filter({ hasText: 'This device' });
      await expect(thisRow).toHaveCount(1);
      await expect(thisRow.getByRole('button')).toHaveCount(0);
      await expect(thisRow.getByRole('rowheader')).toContainText('Chrome on Linux');
      // axe-core runs in the page: it needs JavaScript.
      if (javaScript) await expectNoAxeViolations(page, 'your devices with two devices');

      // The other row's button, from the keyboard; its description names the device.
      const otherRow = rows.filter({ hasNotText: 'This device' });
      const signOut = otherRow.getByRole('button', { name: 'Sign out', exact: true });
      await expect(signOut).toHaveAccessibleDescription(/Chrome on Linux/);
      await signOut.focus();
      await page.keyboard.press('Enter');
      await expect(section.getByRole('status')).toHaveText('The device was signed out.');
      await expect(rows).toHaveCount(1);
      await expect(section.getByText('No other device is signed in.')).toBeVisible();
      if (javaScript) await expectNoAxeViolations(page, 'your devices after signing one out');

      // The other browser's next page load finds itself signed out.
      await otherPage.goto('/settings/account');
      await expect(otherPage).toHaveURL(/\/login/);
      await expect(otherPage.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();

      // This browser is still signed in.
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: 'Account Settings' })).toBeVisible();
      await other.close();
    });
  });
}
