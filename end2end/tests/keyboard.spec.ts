// Flows A (forgot password), B (change password) and C (an admin's "Reset Password") from the
// keyboard alone: no clicks, no `fill`. Every Tab stop must show where the focus is.
import type { Locator, Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser, uniqueCompany, type TestUser } from '../fixtures/latch';
import { resetLinkFor, waitForMail } from '../fixtures/mailbox';

const chosenPassword = 'plum tractor whistle cobalt';

/** What is focused, and whether a keyboard user can see it (a focus ring of ≥ 2px). */
async function focusState(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { described: 'nothing', visible: false };
    const style = getComputedStyle(element);
    const ring =
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
      (style.boxShadow !== 'none' && style.boxShadow !== '');
    const described = `<${element.tagName.toLowerCase()}> "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
    return { described, visible: element.matches(':focus-visible') && ring };
  });
}

/** Presses Tab (or Shift+Tab) until `target` has the focus, checking each stop is visible. */
async function tabTo(page: Page, target: Locator, { backwards = false, maxStops = 40 } = {}) {
  for (let stop = 0; stop < maxStops; stop += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const state = await focusState(page);
    if (state.described !== 'nothing') {
      expect(state.visible, `focus ring on ${state.described}`).toBe(true);
    }
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${maxStops} Tab presses never reached ${target}`);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

async function logInByKeyboard(page: Page, user: TestUser, password = user.password) {
  await typeInto(page, page.getByLabel('Username or email'), user.username);
  await typeInto(page, page.getByLabel('Password'), password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
  await waitForHydration(page);
}

/** The arrow next to the username (opened with `key`) → "Profile Settings". */
async function openProfileSettings(page: Page, user: TestUser, key: 'Enter' | 'Space') {
  const menuButton = page.getByRole('button', { name: user.name });
  await tabTo(page, menuButton);
  await page.keyboard.press(key);
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  await expect(menuButton).toBeFocused();
  await page.keyboard.press(key);
  await tabTo(page, page.locator('#user-menu-items').getByRole('link', { name: 'Profile Settings' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
  await waitForHydration(page);
}

test('flow A from the keyboard: Forgot Password, the emailed link, a new password, log in', async ({ page }) => {
  const user = createUser('keyA');
  await page.goto('/login');
  await waitForHydration(page);

  await tabTo(page, page.getByRole('link', { name: 'Forgot Password' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Forgot Password' })).toBeVisible();
  await waitForHydration(page);
  await typeInto(page, page.getByLabel('Email'), user.email);
  await tabTo(page, page.getByRole('button', { name: 'Send me reset password instructions' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();

  // The link arrives by email; opening it is the mail program's business.
  await page.goto(await resetLinkFor(user.email));
  await waitForHydration(page);
  await typeInto(page, page.getByLabel('New password', { exact: true }), chosenPassword);
  await typeInto(page, page.getByLabel('Confirm new password'), 'a typo');
  await page.keyboard.press('Enter');
  const confirmError = page.locator('#confirm-error');
  await expect(confirmError).toHaveAttribute('role', 'alert');
  await expect(confirmError).toHaveText(/not the same/);
  await page.getByLabel('Confirm new password').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(chosenPassword);
  await tabTo(page, page.getByRole('button', { name: 'Set new password' }));
  await page.keyboard.press('Space');
  await expect(page.getByRole('heading', { level: 1, name: 'Your password was changed' })).toBeVisible();
  await waitForHydration(page);

  await tabTo(page, page.getByRole('main').getByRole('link', { name: 'Log in' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Log in' })).toBeVisible();
  await waitForHydration(page);
  await logInByKeyboard(page, user, chosenPassword);
});

test('flow B from the keyboard: arrow menu, Profile Settings, Account Settings, Update', async ({ page }) => {
  const user = createUser('keyB');
  await page.goto('/login');
  await waitForHydration(page);
  await logInByKeyboard(page, user);

  await openProfileSettings(page, user, 'Enter');
  await tabTo(page, page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Account Settings' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Account Settings' })).toBeVisible();
  await waitForHydration(page);

  await typeInto(page, page.getByLabel('Existing password'), user.password);
  await typeInto(page, page.getByLabel('New password', { exact: true }), chosenPassword);
  await typeInto(page, page.getByLabel('Confirm new password'), chosenPassword);
  const signOutOthers = page.getByLabel('Sign out of other devices');
  await tabTo(page, signOutOthers);
  await page.keyboard.press('Space');
  await expect(signOutOthers).not.toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Update' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText(/Your password was changed/);
  await waitForMail(user.email, /Your password was changed/);
});

test('flow C from the keyboard: the dialog traps focus and gives it back; the email goes out', async ({ page }) => {
  const company = uniqueCompany();
  const admin = createUser('keyCadmin', { company, admin: true });
  const member = createUser('keyCmember', { company });
  await page.goto('/login');
  await waitForHydration(page);
  await logInByKeyboard(page, admin);
  await openProfileSettings(page, admin, 'Space');

  const opener = page.getByRole('button', { name: `Reset Password — ${member.name}` });
  await tabTo(page, opener, { maxStops: 80 });
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Send a password reset email?' });
  await expect(dialog).toBeVisible();
  const send = dialog.getByRole('button', { name: 'Send reset email' });
  await expect(send).toBeFocused();

  // However far the user tabs, forwards or back, the focus stays in the dialog.
  for (const backwards of [false, true]) {
    for (let stop = 0; stop < 6; stop += 1) {
      await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
      const inside = await dialog.evaluate((element) => element.contains(document.activeElement));
      const state = await focusState(page);
      // Chromium may pass the focus to its own toolbar between the last and the first element.
      if (state.described === 'nothing') continue;
      expect(inside, `focus left the dialog for ${state.described}`).toBe(true);
      expect(state.visible, `focus ring on ${state.described}`).toBe(true);
    }
  }

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await page.keyboard.press('Space');
  await expect(dialog).toBeVisible();
  await tabTo(page, send);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText(`A password reset email to ${member.name} (${member.email}) is on its way`);
  await resetLinkFor(member.email);
});
