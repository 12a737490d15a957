// The dashboard's "As of …" line for a gold answer (api/dashboard/static/api.js): how many partitions
// and runs it names, including an answer whose freshness leaves partitions out (the device listing).
import { describe, expect, it } from 'vitest';
// @ts-expect-error the dashboard's browser modules are plain JavaScript without types
import { freshnessNote } from '../../../api/dashboard/static/api.js';

const partition = (day: string, runId: number | null) => ({
  pipeline: 'sensor',
  partition: day,
  runId,
  trigger: 'schedule',
  writtenAt: '2026-06-12T03:00:00.000Z',
  checksPassed: true,
  stale: false,
  staleReason: null,
  staleSince: null,
});
const freshness = (partitions: ReturnType<typeof partition>[], omitted: number) => ({
  asOf: '2026-06-12T03:00:00.000Z',
  lastModified: '2026-06-12T03:00:00.000Z',
  stale: false,
  checksPassed: true,
  partitions,
  omitted,
});
const text = (html: string) => html.replace(/<[^>]+>/g, '');

describe('freshnessNote', () => {
  it('counts the partitions and the runs that wrote them', () => {
    expect(text(freshnessNote(freshness([partition('2026-06-12', 3), partition('2026-06-11', 2), partition('2026-06-10', 2)], 0)))).toContain(
      '3 partitions from 2 runs',
    );
  });

  it('counts omitted partitions, and says their runs may add to the count', () => {
    const note = text(freshnessNote(freshness([partition('2026-06-12', 3), partition('2026-06-11', 3)], 13)));
    expect(note).toContain('15 partitions from 1 or more runs');
  });

  it('says when no run of the partitions is on record', () => {
    expect(text(freshnessNote(freshness([partition('2026-06-12', null), partition('2026-06-11', null)], 10)))).toContain('12 partitions, no run on record');
  });
});
