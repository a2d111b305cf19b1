import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

// Debian's Chromium (.ci/run installs it); this suite is `npm run test:browser`, not part of `npm test`.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let stack: Stack;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  stack = await startStack();
  profile = mkdtempSync(join(tmpdir(), 'portgraph-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  await stack?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('GraphiQL in a browser', () => {
  it('loads from portgraph alone, runs the example walk and shows its answer', async () => {
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    await page.goto(stack.url);
    await expect.poll(() => page.title()).toBe('portgraph');
    const answer = page.waitForResponse((r) => r.url().startsWith(stack.url) && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('ServerWalk'));
    await page.locator('.graphiql-execute-button').click();
    const body = (await (await answer).json()) as { data?: any; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.servers.nodes).toHaveLength(3);
    expect(body.data.openPortStatistics.nodes).toHaveLength(5);
    // What the page shows: the answer's first lines in the result pane.
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 15_000 }).toContain(body.data.servers.nodes[0].id);

    const offMachine = requested.filter((url) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(url));
    expect(offMachine).toEqual([]);
    expect(stack.calls('nova').some((c) => c.route === 'nova.servers.detail')).toBe(true);
  });

  it('runs a subscription, which GraphiQL sends as a GET, past CSRF prevention', async () => {
    const page = await context.newPage();
    await page.goto(`${stack.url}?query=${encodeURIComponent('subscription { openPortChanges { kind } }')}`);
    await expect.poll(() => page.title()).toBe('portgraph');
    const stream = page.waitForResponse((r) => r.url().startsWith(stack.url) && r.request().method() === 'GET' && r.url().includes('openPortChanges'));
    await page.locator('.graphiql-execute-button').click();
    const response = await stream;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/event-stream/);
    await page.close();
  });
});
