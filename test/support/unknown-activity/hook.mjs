// `node --import ./test/support/unknown-activity/hook.mjs bin/refinery …`: the real CLI, with the
// deployment's definitions (domains/index.ts) swapped for ones whose pipeline names an activity no
// domain registers. Tests use it to see a worker refuse to start.
import { register } from 'node:module';

register('./resolve.mjs', import.meta.url);
