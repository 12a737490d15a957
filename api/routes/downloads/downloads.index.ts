// The downloads router, mounted at /v1/downloads (lib/storage's DOWNLOAD_PATH).
import { router } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { downloadHandlers } from './downloads.handlers.ts';
import * as routes from './downloads.routes.ts';

export function downloadsRouter(storage: AppDeps['storage']) {
  return router().openapi(routes.download, downloadHandlers(storage?.objects, storage?.signingSecret).download);
}
