import type { Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import { createUser, type TestUser } from '../fixtures/latch';

async function logIn(page: Page, user: TestUser, identifier = user.username) {
  await page.getByLabel('Username or email').fill(identifier);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'after hydration' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('log in, see my name, open the arrow menu, log out', async ({ page }) => {
      const user = createUser();
      await page.goto('/login');
      if (javaScript) await waitForHydration(page);

      await logIn(page, user);

      await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${user.name}` })).toBeVisible();
      const menuButton = page.getByRole('button', { name: user.name });
      await expect(menuButton).toBeVisible();
      await menuButton.click();
      const menu = page.locator('#user-menu-items');
      await expect(menu.getByRole('link', { name: 'Profile Settings' })).toBeVisible();
      await menu.getByRole('button', { name: 'Log out' }).click();

      await expect(page).toHaveURL(/\/login$/);
      await expect(page.getByRole('button', { name: user.name })).toHaveCount(0);
      await page.goto('/settings');
      await expect(page).toHaveURL(/\/login\?next=\/settings$/);
    });

    test('a wrong password says so, keeps the username, and changes nothing', async ({ page }) => {
      const user = createUser();
      await page.goto('/login');
      if (javaScript) await waitForHydration(page);

      await logIn(page, { ...user, password: 'not my password' });

      const alert = page.getByRole('alert');
      await expect(alert).toHaveText(/username, email or password is not right/);
      await expect(page.getByLabel('Username or email')).toHaveValue(user.username);
      await expect(page.getByLabel('Password')).toHaveAttribute('aria-describedby', 'login-error');
      // Neither the error nor what was typed travels in the address.
      await expect(page).toHaveURL(/\/login$/);
    });

    test('a page that needs a session comes back after login', async ({ page }) => {
      const user = createUser();
      await page.goto('/settings');
      await expect(page).toHaveURL(/\/login\?next=\/settings$/);
      if (javaScript) await waitForHydration(page);

      await logIn(page, user, user.email);

      await expect(page).toHaveURL(/\/settings$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
      await expect(page.getByText(user.email)).toBeVisible();
    });
  });
}

test('a wrong password sent before the WASM loads is answered in place, then the page hydrates', async ({
  page,
}) => {
  const user = createUser();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await held;
    // The first page's request may have been abandoned when the form was sent.
    await route.continue().catch(() => {});
  });
  // Not 'load': the page preloads the WASM, which is held back.
  await page.goto('/login?next=/settings', { waitUntil: 'domcontentloaded' });

  const answer = page.waitForResponse((response) => response.request().method() === 'POST');
  await logIn(page, { ...user, password: 'not my password' });

  expect((await answer).status()).toBe(401);
  await expect(page).toHaveURL(/\/login\?next=\/settings$/);
  await expect(page.getByRole('alert')).toHaveText(/username, email or password is not right/);
  release();
  await waitForHydration(page);
  await expect(page.getByRole('alert')).toHaveText(/username, email or password is not right/);
  await expect(page.getByLabel('Username or email')).toHaveValue(user.username);

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/settings$/);
});

test('the arrow menu works from the keyboard alone', async ({ page }) => {
  const user = createUser();
  await page.goto('/login');
  await waitForHydration(page);
  await logIn(page, user);
  const menuButton = page.getByRole('button', { name: user.name });
  await expect(menuButton).toBeVisible();

  const menuLink = page.locator('#user-menu-items').getByRole('link', { name: 'Profile Settings' });

  await menuButton.focus();
  await page.keyboard.press('Enter');
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  await expect(menuLink).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  await expect(menuButton).toBeFocused();
  await expect(menuLink).toBeHidden();

  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(menuLink).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();
});
