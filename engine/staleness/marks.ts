// Input marks: what a partition's inputs were at one moment, as a run records them when it starts
// and as they are now. Comparing a partition's watermark (the marks of its last successful run)
// with the current marks says whether it is stale, and why, in words an operator can act on.
// Pure: used by workers, the API, the CLI and the reconciler workflow.
import type { PipelineInput } from '../pipeline/types.ts';

export type InputMark =
  /** Rows counted as they landed: how many, and when the last one arrived. */
  | { kind: 'arrivals'; source: string; items: number; lastArrival: string | null }
  /** Landing files by name → sha256, and when the folder last changed. */
  | { kind: 'landing'; files: Record<string, string>; changedAt: string | null }
  /** The latest successful run of each upstream partition mapped to this one, and when the last of them ended. */
  | { kind: 'upstream'; pipeline: string; runs: Record<string, number>; changedAt: string | null };

/** A partition's marks, one per input, keyed by inputKey(). */
export type InputMarks = Record<string, InputMark>;

export function inputKey(input: PipelineInput): string {
  return input.kind === 'arrivals' ? `arrivals:${input.source}` : input.kind === 'upstream' ? `upstream:${input.pipeline}` : 'landing';
}

/** The part of a mark that changes exactly when the input does (never its timestamps). */
function markVersion(mark: InputMark): string {
  if (mark.kind === 'arrivals') return String(mark.items);
  const entries = Object.entries(mark.kind === 'landing' ? mark.files : mark.runs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** One string that changes exactly when any of the partition's inputs does. */
export function marksVersion(marks: InputMarks): string {
  return Object.keys(marks)
    .sort()
    .map((k) => `${k}:${markVersion(marks[k]!)}`)
    .join('|');
}

/** When the input last changed, as far as its mark knows. */
export function markChangedAt(mark: InputMark): string | null {
  return mark.kind === 'arrivals' ? mark.lastArrival : mark.changedAt;
}

export interface InputChange {
  input: string;
  kind: InputMark['kind'];
  /** e.g. "312 readings from 2 devices arrived after run 41". */
  reason: string;
  changedAt: string | null;
}

/** How reasons name things: "readings" from "devices". */
export interface Nouns {
  items: string;
  origins: string;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${n === 1 ? word.replace(/s$/, '') : word}`;

function listFiles(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * What changed in each input between what run `runId` saw and now. An input the run did not record
 * (added to the definition since) is not a change: nothing is known to compare with.
 * `newOrigins` gives, per arrivals input, how many origins sent rows after the run's last arrival.
 */
export function inputChanges(
  seen: InputMarks,
  now: InputMarks,
  runId: number,
  nouns: (input: string) => Nouns,
  newOrigins: (input: string) => number | undefined = () => undefined,
): InputChange[] {
  const changes: InputChange[] = [];
  for (const [key, current] of Object.entries(now)) {
    const before = seen[key];
    if (!before || before.kind !== current.kind || markVersion(before) === markVersion(current)) continue;
    const changedAt = markChangedAt(current);
    if (current.kind === 'arrivals' && before.kind === 'arrivals') {
      const n = nouns(key);
      const added = current.items - before.items;
      const origins = newOrigins(key);
      const from = origins ? ` from ${plural(origins, n.origins)}` : '';
      const reason =
        added > 0
          ? `${plural(added, n.items)}${from} arrived after run ${runId}`
          : `${n.items} changed from ${before.items.toLocaleString('en-US')} to ${current.items.toLocaleString('en-US')} after run ${runId}`;
      changes.push({ input: key, kind: 'arrivals', reason, changedAt });
    } else if (current.kind === 'landing' && before.kind === 'landing') {
      const names = new Set([...Object.keys(before.files), ...Object.keys(current.files)]);
      const parts: string[] = [];
      const added = [...names].filter((f) => !(f in before.files)).sort();
      const changed = [...names].filter((f) => f in before.files && f in current.files && before.files[f] !== current.files[f]).sort();
      const removed = [...names].filter((f) => !(f in current.files)).sort();
      if (changed.length) parts.push(`${listFiles(changed)} changed`);
      if (added.length) parts.push(`${listFiles(added)} added`);
      if (removed.length) parts.push(`${listFiles(removed)} removed`);
      changes.push({ input: key, kind: 'landing', reason: `landing files ${parts.join(', ')} after run ${runId}`, changedAt });
    } else if (current.kind === 'upstream' && before.kind === 'upstream') {
      const parts = Object.keys(current.runs)
        .sort()
        .filter((p) => before.runs[p] !== current.runs[p])
        .map((p) => `${current.pipeline} ${p} ${p in before.runs ? 'ran again' : 'succeeded'} (run ${current.runs[p]})`);
      const lost = Object.keys(before.runs).filter((p) => !(p in current.runs));
      if (lost.length) parts.push(`${current.pipeline} ${listFiles(lost.sort())} no longer succeeded`);
      changes.push({ input: key, kind: 'upstream', reason: `${parts.join(', ')} after run ${runId}`, changedAt });
    }
  }
  return changes;
}

/** Why a partition that never succeeded is ready to run: its landing files appeared, its upstream succeeded. */
export function readiness(now: InputMarks): string {
  const parts: string[] = [];
  for (const mark of Object.values(now)) {
    if (mark.kind === 'landing' && Object.keys(mark.files).length) parts.push(`landing files ${listFiles(Object.keys(mark.files).sort())} appeared`);
    if (mark.kind === 'upstream' && Object.keys(mark.runs).length) {
      parts.push(
        Object.entries(mark.runs)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([p, run]) => `${mark.pipeline} ${p} succeeded (run ${run})`)
          .join(', '),
      );
    }
  }
  return parts.join('; ');
}
