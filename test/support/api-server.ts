// A real HTTP server around the API app on a free port, for tests whose clients (simulated devices)
// talk HTTP rather than app.request().
import { serve } from '@hono/node-server';
import { testApp } from './app.ts';
import type { TestStack } from './stack.ts';

export interface TestApi {
  url: string;
  close(): void;
}

export async function startTestApi(stack: TestStack): Promise<TestApi> {
  const app = testApp(stack);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}
