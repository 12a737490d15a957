// Worker threads do not inherit tsx's loader, so the TypeScript worker is loaded through tsx's
// API here (compiled deployments point parallel.ts at worker.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
