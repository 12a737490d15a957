// The ingest router, mounted at /v1/ingest; the readings route's body limit comes from config.
import { router } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import type { IngestWriter } from '../../ingest/writer.ts';
import { ingestHandlers } from './ingest.handlers.ts';
import * as routes from './ingest.routes.ts';

export function ingestRouter(deps: AppDeps, writer: IngestWriter) {
  const handlers = ingestHandlers(deps, writer);
  return router().openapi(routes.readings(deps.ingest?.maxBodyBytes, handlers.asColumns), handlers.readings).openapi(routes.sessions, handlers.sessions);
}
