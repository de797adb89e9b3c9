// The README's screenshots, taken from the real pages on every run so they never go stale.
// Fixed names (and a masked clock) keep the pictures identical while the pages don't change.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser, latchCli, type TestUser } from '../fixtures/latch';
import { resetLinkFor } from '../fixtures/mailbox';

const folder = path.resolve(__dirname, '../../docs/screenshots');

async function shoot(page: Page, name: string, masked: string[] = []) {
  await waitForHydration(page);
  // No caret, no focus ring left from the last click: the picture shows the page at rest.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({
    path: path.join(folder, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
    mask: masked.map((selector) => page.locator(selector)),
    maskColor: '#ffffff',
  });
}

async function logIn(page: Page, user: TestUser) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.locator('#identifier').fill(user.username);
  await page.locator('#password').fill(user.password);
  await page.locator('form:has(#identifier) button[type=submit]').click();
  await expect(page.getByRole('button', { name: user.name })).toBeVisible();
}

for (const { lang, locale } of [
  { lang: 'en', locale: 'en-US' },
  { lang: 'id', locale: 'id-ID' },
]) {
  test.describe(`screenshots in ${lang}`, () => {
    test.use({ locale, viewport: { width: 1280, height: 720 }, colorScheme: 'light' });

    test(`the main pages (${lang})`, async ({ page, browser }) => {
      const company = `PT Sinar Harapan ${lang.toUpperCase()}`;
      const admin = createUser('', { company, admin: true, username: `dewi.${lang}`, name: 'Dewi Lestari' });
      createUser('', { company, username: `budi.${lang}`, name: 'Budi Santoso' });
      createUser('', { company, username: `siti.${lang}`, name: 'Siti Rahma' });
      latchCli(['company', 'set', company, '--time-zone', 'Asia/Jakarta']);

      await page.goto('/login');
      await shoot(page, `${lang}-login`);

      await page.goto('/forgot-password');
      await shoot(page, `${lang}-forgot-password`);

      await logIn(page, admin);
      await page.goto('/settings');
      await expect(page.getByRole('table')).toBeVisible();
      // The admin's own "last login" is the time of this run.
      await shoot(page, `${lang}-profile-settings`, [`tr[data-user="dewi.${lang}"] td:nth-of-type(5)`]);

      await page.goto('/settings/account');
      await waitForHydration(page);
      await page.locator('#password').pressSequentially('iloveyou');
      await expect(page.locator('#password-strength')).not.toBeEmpty();
      await shoot(page, `${lang}-account-settings`);

      // The page a reset link opens, in a browser that is not signed in.
      await page.goto('/forgot-password');
      await waitForHydration(page);
      await page.locator('#email').fill(admin.email);
      await page.locator('form:has(#email) button[type=submit]').click();
      await expect(page).toHaveURL(/\/forgot-password\/sent/);
      const stranger = await browser.newPage({ locale, viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
      await stranger.goto(await resetLinkFor(admin.email));
      // "This link works until …" is half an hour from now.
      await shoot(stranger, `${lang}-reset-password`, ['.link-expiry']);
      await stranger.close();
    });
  });
}
