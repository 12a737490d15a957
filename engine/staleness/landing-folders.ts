// Watching landing folders (<landing dir>/<folder>/): each scan lists every folder's files, hashes
// those whose size or mtime moved since the last scan (the others keep their sha256), and records
// the folder in ops.landing_folders, moving changed_at only when the set of (name, sha256) changed.
// Hidden files and *.tmp / *.part are ignored, so a file copied in under a temporary name and
// renamed when complete is seen once, whole. Runs on workers (they can read the landing folders).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import sql from 'sql-template-tag';
import type { Queryable } from '../../lib/db/pool.ts';
import { landingFolders, type LandingFolderRow } from './current.ts';

type Files = LandingFolderRow['files'];

const ignored = (name: string) => name.startsWith('.') || /\.(tmp|part)$/i.test(name);

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function listFolders(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && !ignored(d.name)).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

async function readFolder(dir: string, before: Files | undefined): Promise<Files> {
  const files: Files = {};
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return files;
    throw e;
  }
  for (const entry of entries) {
    if (!entry.isFile() || ignored(entry.name)) continue;
    const path = join(dir, entry.name);
    const s = await stat(path);
    const known = before?.[entry.name];
    const same = known && known.bytes === s.size && known.modifiedMs === Math.floor(s.mtimeMs);
    files[entry.name] = { sha256: same ? known.sha256 : await sha256(path), bytes: s.size, modifiedMs: Math.floor(s.mtimeMs) };
  }
  return files;
}

function fingerprint(files: Files): string {
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${name}\t${files[name]!.sha256}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Scans the given folders under root (all of them, and those recorded but gone, when none are
 * given); returns the folders whose files changed since the last scan.
 */
export async function scanLandingFolders(db: Queryable, root: string, only?: string[]): Promise<string[]> {
  const known = new Map((await landingFolders(db, only)).map((f) => [f.folder, f]));
  const folders = only ?? [...new Set([...(await listFolders(root)), ...known.keys()])];
  const changed: string[] = [];
  for (const folder of folders) {
    const before = known.get(folder);
    const files = await readFolder(join(root, folder), before?.files);
    const print = fingerprint(files);
    const moved = !before || fingerprint(before.files) !== print;
    if (!before && !Object.keys(files).length) continue;
    if (moved) changed.push(folder);
    await db.query(sql`
      INSERT INTO ops.landing_folders (folder, files, fingerprint, changed_at, scanned_at) VALUES (${folder}, ${JSON.stringify(files)}, ${print}, now(), now())
      ON CONFLICT (folder) DO UPDATE SET files = EXCLUDED.files, scanned_at = now(),
        changed_at = CASE WHEN ops.landing_folders.fingerprint = EXCLUDED.fingerprint THEN ops.landing_folders.changed_at ELSE now() END,
        fingerprint = EXCLUDED.fingerprint`);
  }
  return changed;
}
