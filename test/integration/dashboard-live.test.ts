// The dashboard's device view follows the device live, in a real Chromium against a real API
// process: while the device posts, each classified window appears (newest first, the current one
// large with its top classes), equal to what the polling API says. Screenshot in test/.out/.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LivePrediction } from '../../domains/sensor/live/prediction.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { generateSession } from '../../lib/imu/index.ts';
import { openDashboard, signIn } from '../support/dashboard.ts';
import { seedProductionModel } from '../support/model.ts';
import type { RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const shots = fileURLToPath(new URL('../.out/', import.meta.url));
const DEVICE = 'wrist-live-7';

let stack: TestStack;
let api: RefineryProcess;
let url: string;
let browser: Browser;
let reader: string;
let device: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await createTestStack(import.meta.url);
  await seedProductionModel(stack.pools.owner);
  reader = (await createApiKey(stack.pools.owner, { name: 'dashboard', role: 'reader' })).token;
  device = (await createApiKey(stack.pools.owner, { name: DEVICE, role: 'device', deviceId: DEVICE })).token;
  ({ url, api, browser } = await openDashboard(stack));
});
afterAll(async () => {
  await browser?.close();
  await api?.kill('SIGTERM');
  await stack?.close();
});

describe('dashboard: a device live', () => {
  it('shows each window’s prediction as the device posts, newest first', async () => {
    const page = await signIn(browser, url, reader, `#/devices/${DEVICE}`, consoleErrors);
    await page.waitForSelector('#live-status[data-status="live"]');
    expect(await page.textContent('[data-empty="no-live"]')).toContain(`Waiting for ${DEVICE} to post`);

    const session = generateSession({ exercise: 'jogging', deviceId: DEVICE, sessionId: 'run-1', start: Date.now() - 30_000, durationS: 24, seed: 9 });
    for (let s = 0; s < 24; s++) {
      const readings = session.readings.filter((r) => Math.floor((r.timestamp - session.startedAt) / 1000) === s);
      const res = await fetch(`${url}/v1/ingest/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
        body: JSON.stringify({ deviceId: DEVICE, batchId: `run-1-${s}`, sessionId: 'run-1', readings }),
      });
      expect(res.status).toBe(201);
    }
    const polled = (await (await fetch(`${url}/v1/devices/${DEVICE}/predictions?since=0`, { headers: { authorization: `Bearer ${reader}` } })).json()) as {
      items: LivePrediction[];
    };
    expect(polled.items.length).toBeGreaterThan(5);
    await expect.poll(() => page.locator('#live-predictions tbody tr').count(), { timeout: 20_000 }).toBe(polled.items.length);
    const rows = await page.$$eval('#live-predictions tbody tr', (trs) =>
      trs.map((tr) => [Number(tr.getAttribute('data-event-id')), tr.querySelector('[data-predicted]')!.textContent]),
    );
    expect(rows).toEqual(polled.items.map((p) => [p.eventId, p.predicted]).reverse());
    const newest = polled.items.at(-1)!;
    expect(await page.getAttribute('.live-card', 'data-event-id')).toBe(String(newest.eventId));
    expect(await page.textContent('[data-now]')).toBe(newest.predicted);
    expect(await page.$$eval('.live-bars li', (lis) => lis.length)).toBe(3);
    // The bars' widths are the top three probabilities, applied through the CSSOM (the page's CSP refuses style attributes in markup).
    const widths = await page.$$eval('.live-bars .bar', (bars) => bars.map((b) => Number(/width:\s*([\d.]+)%/.exec(b.getAttribute('style') ?? '')?.[1])));
    const top = Object.values(newest.probabilities)
      .sort((a, b) => b - a)
      .slice(0, 3)
      .map((v) => Number((v * 100).toFixed(1)));
    expect(widths).toEqual(top);
    expect(await page.$('[data-empty="no-live"]')).toBeNull();

    const shot = `${shots}dashboard-device-live.png`;
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('shows a device key’s refusal in place rather than a broken page', async () => {
    const other = (await createApiKey(stack.pools.owner, { name: 'other', role: 'device', deviceId: 'other-1' })).token;
    const page = await signIn(browser, url, other, `#/devices/${DEVICE}`, []);
    // A device key may not list devices: the dashboard asks for another key.
    await page.waitForSelector('#key-error:not([hidden])');
    expect(await page.textContent('#key-error')).toContain('device key cannot use this endpoint');
    await page.close();
  });
});
