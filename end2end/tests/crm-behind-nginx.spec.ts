import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, waitForHydration } from '../fixtures/page';
import type { TestUser } from '../fixtures/latch';
import { CrmStack, crmUrl, latchDirectUrl, siteUrl, type WebhookEvent } from '../fixtures/crm-stack';

// Proved with real parts: Debian's nginx routes Latch's paths to Latch and everything else to
// the example CRM (examples/crm) through `auth_request`, with examples/crm/nginx.conf, the
// configuration the README shows.
test.describe.configure({ mode: 'serial' });

let stack: CrmStack;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  stack = await CrmStack.start();
});

test.afterAll(async () => {
  await stack?.stop();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && stack) {
    for (const name of ['latch', 'crm', 'nginx-error'] as const) {
      await testInfo.attach(`${name}.log`, { body: stack.log(name), contentType: 'text/plain' });
    }
  }
});

async function logIn(page: Page, javaScript: boolean, user: TestUser) {
  if (javaScript) await waitForHydration(page);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

function greeting(user: TestUser, role = 'member') {
  return `Hello, ${user.name} (${stack.company}, ${role})`;
}

/** The CRM's page in `page`, signed in as `user` (through Latch's login). */
async function signedInOnCrm(page: Page, javaScript: boolean, user: TestUser, crmPath = '/deals') {
  await page.goto(`${siteUrl}${crmPath}`);
  await expect(page).toHaveURL(new RegExp(`/login\\?next=`));
  await logIn(page, javaScript, user);
  await expect(page).toHaveURL(`${siteUrl}${crmPath}`);
  await expect(page.locator('#greeting')).toHaveText(greeting(user));
  return (await page.locator('#user-id').textContent()) ?? '';
}

/** The identity Latch hands the proxy for the session in `context` (asked directly). */
async function identityOf(context: BrowserContext) {
  const cookies = await context.cookies(siteUrl);
  const session = cookies.find((cookie) => cookie.name.endsWith('latch_session'));
  expect(session, 'a session cookie').toBeDefined();
  const response = await fetch(`${latchDirectUrl}/auth/verify`, {
    headers: { cookie: `${session?.name}=${session?.value}` },
  });
  expect(response.status).toBe(200);
  return {
    userId: response.headers.get('x-latch-user-id') ?? '',
    token: response.headers.get('x-latch-token') ?? '',
  };
}

/** Asks the CRM directly (no nginx) with these identity headers. */
async function askCrm(headers: Record<string, string>) {
  const response = await fetch(`${crmUrl}/deals`, { headers });
  return { status: response.status, body: await response.text() };
}

const loggedOut: string[] = [];

// The tests below are about what reaches the CRM, not about the browser: plain page loads.
const noScript = { javaScriptEnabled: false };

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript disabled';

  test.describe(mode, () => {
    test.use({ javaScriptEnabled: javaScript });

    test('a signed-out visit to a CRM page goes through Latch login and back to that page, and Log out ends it', async ({ page }) => {
      const user = stack.createUser('crm');
      // A query of several parameters comes back whole (Latch encodes `next` for nginx).
      await page.goto(`${siteUrl}/deals/7?tab=notes&page=2`);
      await expect(page).toHaveURL(`${siteUrl}/login?next=/deals/7%3Ftab%3Dnotes%26page%3D2`);

      await logIn(page, javaScript, user);

      await expect(page).toHaveURL(`${siteUrl}/deals/7?tab=notes&page=2`);
      await expect(page.locator('#greeting')).toHaveText(greeting(user));
      await expect(page.locator('#path')).toHaveText('/deals/7');
      const userId = (await page.locator('#user-id').textContent()) ?? '';

      // Latch's own pages under the same host.
      await page.getByRole('link', { name: 'Profile Settings' }).click();
      await expect(page).toHaveURL(`${siteUrl}/settings`);
      await expect(page.getByRole('heading', { level: 1, name: 'Profile Settings' })).toBeVisible();

      await page.goto(`${siteUrl}/contacts`);
      await expect(page.locator('#greeting')).toHaveText(greeting(user));
      await page.getByRole('button', { name: 'Log out' }).click();
      await expect(page).toHaveURL(`${siteUrl}/login`);
      loggedOut.push(userId);

      await page.goto(`${siteUrl}/contacts`);
      await expect(page).toHaveURL(`${siteUrl}/login?next=/contacts`);
    });

    test("an admin deactivates the user: the CRM refuses the user's next request", async ({ page, browser }) => {
      const admin = stack.createUser('boss', { admin: true });
      const member = stack.createUser('member');
      await signedInOnCrm(page, javaScript, member);

      const adminContext = await browser.newContext({ javaScriptEnabled: javaScript });
      const adminPage = await adminContext.newPage();
      await adminPage.goto(`${siteUrl}/login`);
      await logIn(adminPage, javaScript, admin);
      // LATCH_APP_URL: after login, the admin lands in the CRM.
      await expect(adminPage).toHaveURL(`${siteUrl}/`);
      await expect(adminPage.locator('#greeting')).toHaveText(greeting(admin, 'admin'));
      await adminPage.goto(`${siteUrl}/settings`);
      if (javaScript) await waitForHydration(adminPage);
      await adminPage.getByRole('link', { name: `Manage ${member.name}` }).click();
      await adminPage.getByRole('button', { name: 'Deactivate user' }).click();
      await expect(adminPage.getByRole('status')).toContainText('deactivated');
      await adminContext.close();

      await page.reload();

      await expect(page).toHaveURL(`${siteUrl}/login?next=/deals`);
      await expect(page.locator('#greeting')).toHaveCount(0);
    });
  });
}

test('X-Latch-* headers a client sends never reach the CRM: nginx sets them from Latch', async ({ browser }) => {
  const victim = stack.createUser('victim');
  const attacker = stack.createUser('attacker');
  const victimContext = await browser.newContext(noScript);
  await signedInOnCrm(await victimContext.newPage(), false, victim);
  const stolen = await identityOf(victimContext);
  await victimContext.close();
  const forged = {
    'X-Latch-User-Id': stolen.userId,
    'X-Latch-Token': stolen.token,
    'X-Latch-Name': 'Mallory',
    'X-Latch-Role': 'admin',
  };

  // Signed out, the headers are not enough: nginx asks Latch, which says no.
  const signedOut = await browser.newContext({ ...noScript, extraHTTPHeaders: forged });
  const page = await signedOut.newPage();
  await page.goto(`${siteUrl}/deals`);
  await expect(page).toHaveURL(`${siteUrl}/login?next=/deals`);

  // Signed in as someone else, nginx replaces every one of them with that user's.
  await logIn(page, false, attacker);
  await page.goto(`${siteUrl}/deals`);
  await expect(page.locator('#greeting')).toHaveText(greeting(attacker));
  await signedOut.close();
});

test('a forged or expired X-Latch-Token is refused by the CRM itself', async ({ browser }) => {
  test.setTimeout(120_000);
  const [ana, budi] = [stack.createUser('ana'), stack.createUser('budi')];
  const anaContext = await browser.newContext(noScript);
  const budiContext = await browser.newContext(noScript);
  await signedInOnCrm(await anaContext.newPage(), false, ana);
  await signedInOnCrm(await budiContext.newPage(), false, budi);
  const anas = await identityOf(anaContext);
  const budis = await identityOf(budiContext);
  await anaContext.close();
  await budiContext.close();
  const [header, payload, signature] = anas.token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const notSignedIn = async (headers: Record<string, string>, why: string) => {
    const answer = await askCrm(headers);
    expect(answer.status, why).toBe(401);
    expect(answer.body, why).toContain('Not signed in');
  };

  // The real token is accepted (so the refusals below are about what was changed).
  const genuine = await askCrm({ 'x-latch-user-id': anas.userId, 'x-latch-token': anas.token });
  expect(genuine.status).toBe(200);
  expect(genuine.body).toContain(greeting(ana));

  await notSignedIn({ 'x-latch-user-id': anas.userId }, 'no token');
  await notSignedIn({ 'x-latch-token': anas.token }, 'no user id');
  await notSignedIn(
    { 'x-latch-user-id': anas.userId, 'x-latch-token': `${header}.${encode({ ...claims, role: 'admin' })}.${signature}` },
    'claims changed after signing',
  );
  await notSignedIn(
    { 'x-latch-user-id': anas.userId, 'x-latch-token': `${header}.${payload}.${budis.token.split('.')[2]}` },
    "another token's signature",
  );
  await notSignedIn(
    { 'x-latch-user-id': anas.userId, 'x-latch-token': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.` },
    'unsigned (alg none)',
  );
  const headerFields = JSON.parse(Buffer.from(header, 'base64url').toString());
  await notSignedIn(
    { 'x-latch-user-id': anas.userId, 'x-latch-token': `${encode({ ...headerFields, kid: 'made-up' })}.${payload}.${signature}` },
    'a key Latch does not publish',
  );
  await notSignedIn({ 'x-latch-user-id': anas.userId, 'x-latch-token': budis.token }, "another user's token");

  // Once it has expired (exp, plus the CRM's 5 s of leeway), the genuine token is refused too.
  const wait = (claims.exp + 6) * 1000 - Date.now();
  expect(wait).toBeLessThan(70_000);
  await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0)));
  await notSignedIn({ 'x-latch-user-id': anas.userId, 'x-latch-token': anas.token }, 'expired');
});

test('a webhook arrives for each event, also after the receiver was down for a while', async ({ browser }) => {
  test.setTimeout(120_000);
  const events = async () => (await stack.received()).events;
  const eventsOf = async (type: string, userId: string) =>
    (await events()).filter((event: WebhookEvent) => event.type === type && event.data.user_id === userId);

  // The logouts of the first tests.
  expect(loggedOut.length).toBeGreaterThan(0);
  for (const userId of loggedOut) {
    await expect
      .poll(async () => (await eventsOf('session.ended', userId)).map((event) => event.data.reason), {
        timeout: 30_000,
      })
      .toContain('logout');
  }

  const user = stack.createUser('hooked');
  await expect
    .poll(async () => (await events()).some((e) => e.type === 'user.created' && e.data.username === user.username), {
      timeout: 30_000,
    })
    .toBe(true);
  const context = await browser.newContext(noScript);
  const userId = await signedInOnCrm(await context.newPage(), false, user);

  // The CRM is down: Latch keeps the events and tries again.
  await stack.webhooks('down');
  stack.cli(['user', 'deactivate', user.username]);
  await expect.poll(async () => (await stack.received()).refused_while_down, { timeout: 30_000 }).toBeGreaterThan(0);
  expect(await eventsOf('user.deactivated', userId)).toEqual([]);
  await stack.webhooks('up');

  await expect.poll(async () => (await eventsOf('user.deactivated', userId)).length, { timeout: 60_000 }).toBe(1);
  await expect
    .poll(async () => (await eventsOf('session.ended', userId)).map((event) => event.data.reason), { timeout: 60_000 })
    .toContain('deactivated');

  stack.cli(['user', 'reactivate', user.username]);
  await expect.poll(async () => (await eventsOf('user.reactivated', userId)).length, { timeout: 30_000 }).toBe(1);
  await context.close();
});
