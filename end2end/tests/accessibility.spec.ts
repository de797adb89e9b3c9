// axe-core (WCAG 2.2 AA) on every page and state that matters, in both languages, after
// hydration. The walk finds fields by id, not by their (translated) labels, so the same steps
// serve English and Bahasa Indonesia; the browser's Accept-Language picks the language.
import type { Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { expectNoAxeViolations } from '../fixtures/axe';
import { createUser, uniqueCompany, type TestUser } from '../fixtures/latch';
import { resetLinkFor, waitForMail } from '../fixtures/mailbox';

const goodPassword = 'plum tractor whistle cobalt';

/** The submit button of the form holding the field `#fieldId`. */
function submitOf(page: Page, fieldId: string) {
  return page.locator(`form:has(#${fieldId}) button[type=submit]`);
}

async function open(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
}

async function logIn(page: Page, user: TestUser) {
  await open(page, '/login');
  await page.locator('#identifier').fill(user.username);
  await page.locator('#password').fill(user.password);
  await submitOf(page, 'identifier').click();
  await expect(page.getByRole('button', { name: user.name })).toBeVisible();
}

const languages = [
  { lang: 'en', locale: 'en-US', name: 'English' },
  { lang: 'id', locale: 'id-ID', name: 'Bahasa Indonesia' },
];

for (const { lang, locale, name } of languages) {
  test.describe(`axe-core in ${name}`, () => {
    test.use({ locale });

    test('signed out: login, login error, forgot password, sent, reset form, dead link, not found', async ({ page }) => {
      const user = createUser(`axe${lang}`);

      await open(page, '/login');
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expectNoAxeViolations(page, 'login');

      await page.locator('#identifier').fill(user.username);
      await page.locator('#password').fill('not my password');
      await submitOf(page, 'identifier').click();
      await expect(page.locator('#login-error')).toBeVisible();
      await expectNoAxeViolations(page, 'login error');

      await open(page, '/forgot-password');
      await expectNoAxeViolations(page, 'forgot password');
      await page.locator('#email').fill('not an address');
      await page.locator('#email').evaluate((input: HTMLInputElement) => {
        input.type = 'text'; // let the server, not the browser, refuse it
      });
      await submitOf(page, 'email').click();
      await expect(page.locator('#email-error')).toBeVisible();
      await expectNoAxeViolations(page, 'forgot password with an error');

      await page.locator('#email').fill(user.email);
      await submitOf(page, 'email').click();
      await expect(page).toHaveURL(/\/forgot-password\/sent/);
      await waitForHydration(page);
      await expectNoAxeViolations(page, 'sent');

      await open(page, await resetLinkFor(user.email));
      await expectNoAxeViolations(page, 'reset form');
      await page.locator('#password').fill(goodPassword);
      await page.locator('#confirm').fill('something else entirely');
      await submitOf(page, 'confirm').click();
      await expect(page.locator('#confirm-error')).toBeVisible();
      await expectNoAxeViolations(page, 'reset form with an error');

      await page.locator('#confirm').fill(goodPassword);
      await submitOf(page, 'confirm').click();
      await expect(page).toHaveURL(/\/reset-password\/done/);
      await waitForHydration(page);
      await expectNoAxeViolations(page, 'password changed');

      await open(page, '/reset-password?token=no-such-link');
      await expect(page.locator('#password')).toHaveCount(0);
      await expectNoAxeViolations(page, 'dead link');

      const response = await page.goto('/no-such-page');
      expect(response?.status()).toBe(404);
      await waitForHydration(page);
      await expectNoAxeViolations(page, 'not found');
    });

    test('signed in: menu, account settings with errors, admin list, dialog, user page, email change and its confirmation, add user, activity', async ({ page }) => {
      const company = uniqueCompany();
      const admin = createUser(`axeadmin${lang}`, { company, admin: true });
      const member = createUser(`axemember${lang}`, { company });

      await logIn(page, admin);
      await waitForHydration(page);
      await expectNoAxeViolations(page, 'start page');
      await page.getByRole('button', { name: admin.name }).click();
      await expect(page.locator('#user-menu-items')).toBeVisible();
      await expectNoAxeViolations(page, 'arrow menu open');
      await page.keyboard.press('Escape');

      await open(page, '/settings/account');
      await expectNoAxeViolations(page, 'account settings');
      await page.locator('#existing').fill('not my password');
      await page.locator('#password').fill('iloveyou');
      await page.locator('#confirm').fill('iloveyou');
      await submitOf(page, 'existing').click();
      await expect(page.locator('[role=alert]').first()).toBeVisible();
      await expectNoAxeViolations(page, 'account settings with errors');

      await open(page, '/settings');
      await expect(page.getByRole('table')).toContainText(member.email);
      await expectNoAxeViolations(page, 'admin user list');

      const row = page.getByRole('row').filter({ hasText: member.email });
      await row.locator('a[aria-haspopup="dialog"]').click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoAxeViolations(page, 'reset password dialog');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      await row.getByRole('link', { name: member.name }).click();
      await expect(page).toHaveURL(/\/settings\/users\/[^/]+$/);
      await waitForHydration(page);
      await expectNoAxeViolations(page, 'user page');

      // An email change refused for want of "Confirm your password", then one that waits for
      // the new address, and the page its link opens.
      const newAddress = `new.${member.email}`;
      await page.locator('#email').fill(newAddress);
      await submitOf(page, 'email').click();
      await expect(page.locator('[role=alert]').first()).toBeVisible();
      await expectNoAxeViolations(page, 'user page with a refused email change');
      await page.locator('#password').fill(admin.password);
      await submitOf(page, 'password').click();
      await expect(page.locator('[role=status]')).toBeVisible();
      await page.locator('#email').fill(newAddress);
      await submitOf(page, 'email').click();
      await expect(page.locator('[role=status]')).toContainText(newAddress);
      await expectNoAxeViolations(page, 'user page with a pending email change');
      const mail = await waitForMail(newAddress, /./);
      const link = mail.text.match(/https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]+/);
      expect(link, mail.text).not.toBeNull();
      await open(page, (link as RegExpMatchArray)[0]);
      await expectNoAxeViolations(page, 'email change confirmation');
      await page.locator('section form button[type=submit]').click();
      await expect(page.locator('[role=status]')).toContainText(newAddress);
      await expectNoAxeViolations(page, 'email confirmed');

      await open(page, '/settings/users/new');
      await page.locator('#email').fill('not an address');
      await page.locator('#email').evaluate((input: HTMLInputElement) => {
        input.type = 'text';
      });
      await page.locator('#name').fill('Budi');
      await page.locator('#username').fill('budi with spaces');
      await submitOf(page, 'email').click();
      await expect(page.locator('[role=alert]').first()).toBeVisible();
      await expectNoAxeViolations(page, 'add user with errors');

      await open(page, '/settings/activity');
      await expect(page.getByRole('table')).toBeVisible();
      await expectNoAxeViolations(page, 'activity');
    });
  });
}

// Without JavaScript "Reset Password" is a link to a confirmation page. axe-core itself needs
// JavaScript, so the page is checked at the address the link leads to.
test('axe-core: the confirmation page "Reset Password" leads to without JavaScript', async ({ page }) => {
  const company = uniqueCompany();
  const admin = createUser('axenojs', { company, admin: true });
  const member = createUser('axenojsmember', { company });
  await logIn(page, admin);
  await open(page, '/settings');
  const opener = page.getByRole('row').filter({ hasText: member.email }).locator('a[aria-haspopup="dialog"]');
  await open(page, (await opener.getAttribute('href')) as string);
  await expect(page.getByRole('heading', { level: 1, name: 'Send a password reset email?' })).toBeVisible();
  await expectNoAxeViolations(page, 'reset confirmation page');
});
