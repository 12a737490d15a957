import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, SIGNALS, featureCatalogue } from '../../../lib/imu/catalogue.ts';
import { extractFeatures } from '../../../lib/imu/features.ts';
import { oneWindow } from './signals.ts';

describe('feature catalogue', () => {
  it('names 200 or more features, one per slot of the feature vector', () => {
    const { columns, window } = oneWindow(200, 50, { ax: (i) => Math.sin(i) });
    expect(featureCatalogue.length).toBeGreaterThanOrEqual(200);
    expect(featureCatalogue.length).toBe(FEATURE_COUNT);
    expect(extractFeatures(columns, [window]).length).toBe(featureCatalogue.length);
  });

  it('has unique, column-safe names and indexes that match positions', () => {
    expect(new Set(featureCatalogue.map((f) => f.name)).size).toBe(featureCatalogue.length);
    featureCatalogue.forEach((f, i) => {
      expect(f.index).toBe(i);
      expect(f.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(f.description.length).toBeGreaterThan(3);
    });
  });

  it('covers every signal with statistics, time and frequency features, plus correlations', () => {
    for (const signal of SIGNALS) {
      const groups = new Set(featureCatalogue.filter((f) => f.channel === signal).map((f) => f.group));
      expect([...groups].sort(), signal).toEqual(['frequency', 'statistics', 'time']);
    }
    expect(featureCatalogue.filter((f) => f.group === 'correlation').map((f) => f.name)).toEqual([
      'corr_ax_ay',
      'corr_ax_az',
      'corr_ay_az',
      'corr_gx_gy',
      'corr_gx_gz',
      'corr_gy_gz',
      'corr_ax_gx',
      'corr_ay_gy',
      'corr_az_gz',
    ]);
  });
});
