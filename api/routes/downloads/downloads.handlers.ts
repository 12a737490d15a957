// Handler for a signed download: verify the link, then stream the object with its length.
import { Readable } from 'node:stream';
import { BadSignature, ObjectNotFound, verifyDownload, type ObjectStorage } from '../../../lib/storage/index.ts';
import { ApiError } from '../../errors.ts';
import type { AppRouteHandler } from '../../openapi.ts';
import type * as routes from './downloads.routes.ts';

export function downloadHandlers(storage: ObjectStorage | undefined, signingSecret: string | undefined) {
  const download: AppRouteHandler<typeof routes.download> = async (c) => {
    if (!storage || storage.driver !== 'filesystem' || !signingSecret) throw new ApiError(404, 'signed downloads are served by the storage server');
    let granted: { key: string; filename?: string };
    try {
      granted = verifyDownload(signingSecret, c.req.valid('param').token);
    } catch (e) {
      if (e instanceof BadSignature) throw new ApiError(403, e.message);
      if (e instanceof SyntaxError) throw new ApiError(403, 'the download link is malformed');
      throw e;
    }
    const info = await storage.head(granted.key);
    if (!info) throw new ApiError(404, 'the object no longer exists');
    const body = await storage.get(granted.key).catch((e: unknown) => {
      throw e instanceof ObjectNotFound ? new ApiError(404, 'the object no longer exists') : e;
    });
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': 'private, no-store',
    };
    if (granted.filename) headers['content-disposition'] = `attachment; filename="${granted.filename.replace(/["\\\r\n]/g, '_')}"`;
    return new Response(Readable.toWeb(body) as ReadableStream, { status: 200, headers }) as never;
  };
  return { download };
}
