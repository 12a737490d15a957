// Per-column statistics of a table, computed in one pass over its rows with bounded memory, so a
// 200 MB upload is profiled while it streams: count, nulls, min, max, mean and standard deviation
// (Welford) for numbers, with quantiles exact up to SAMPLE values and from a uniform reservoir
// sample of that many beyond; distinct values and the most frequent ones for text, exact up to
// DISTINCT_CAP distinct values. A column is numeric while every non-null value is a number.
import { seededRandom, type Random } from '../random.ts';

export const SAMPLE = 10_000;
export const DISTINCT_CAP = 10_000;
const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
/** Cells read as missing: empty, and the spellings pandas and R write for it. */
const NULLS = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None']);

export type Cell = string | number | boolean | bigint | null | undefined;

export interface ColumnStats {
  name: string;
  type: 'number' | 'text' | 'empty';
  count: number;
  nulls: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  quantiles: Record<string, number> | null;
  /** True when quantiles come from a uniform sample of SAMPLE values rather than every value. */
  quantilesSampled: boolean;
  distinct: number | null;
  /** True when there were more distinct values than DISTINCT_CAP (then `distinct` is that floor). */
  distinctCapped: boolean;
  top: { value: string; count: number }[] | null;
}

export function isNullCell(v: Cell): boolean {
  if (v === '' || v === null || v === undefined) return true;
  if (typeof v === 'string') return v.length <= 6 && NULLS.has(v.trim());
  return typeof v === 'number' && Number.isNaN(v);
}

const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A number when the cell is one (a JS number, or text that reads as a finite decimal). */
export function numericValue(v: Cell): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return undefined;
  // Number() is the fast path; the pattern only rules out what it accepts and a decimal is not ("0x1f", "Infinity").
  const n = Number(v);
  if (!Number.isFinite(n) || v.length === 0) return undefined;
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57 && v.length < 3) return n;
  return DECIMAL.test(v) ? n : undefined;
}

class ColumnProfile {
  count = 0;
  nulls = 0;
  numeric = true;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private sample: number[] = [];
  private seen = 0;
  private values = new Map<string, number>();
  /** Distinct values of a numeric column, as numbers (cheaper than their text); text takes over if it stops being numeric. */
  private numbers = new Set<number>();
  private capped = false;
  private textMin: string | null = null;
  private textMax: string | null = null;

  constructor(
    readonly name: string,
    private readonly random: Random,
  ) {}

  add(cell: Cell): void {
    if (isNullCell(cell)) {
      this.nulls++;
      return;
    }
    this.count++;
    if (this.numeric) {
      const n = numericValue(cell);
      if (n !== undefined) {
        this.addNumber(n);
        return;
      }
      this.becomeText();
    }
    this.addText(typeof cell === 'string' ? cell : String(cell));
  }

  /** A column that stops being numeric keeps its numbers' counts as text (the distinct ones it saw). */
  private becomeText(): void {
    this.numeric = false;
    for (const n of this.numbers) this.values.set(String(n), (this.values.get(String(n)) ?? 0) + 1);
    this.numbers.clear();
  }

  private addNumber(n: number): void {
    const delta = n - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (n - this.mean);
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
    if (this.numbers.size < DISTINCT_CAP) this.numbers.add(n);
    else if (!this.numbers.has(n)) this.capped = true;
    // Reservoir sampling (Algorithm R): every value has the same chance to be in the sample.
    this.seen++;
    if (this.sample.length < SAMPLE) this.sample.push(n);
    else {
      const j = Math.floor(this.random.next() * this.seen);
      if (j < SAMPLE) this.sample[j] = n;
    }
  }

  private addText(text: string): void {
    const known = this.values.get(text);
    if (known !== undefined) this.values.set(text, known + 1);
    else if (this.values.size < DISTINCT_CAP) this.values.set(text, 1);
    else this.capped = true;
    if (this.textMin === null || text < this.textMin) this.textMin = text;
    if (this.textMax === null || text > this.textMax) this.textMax = text;
  }

  stats(): ColumnStats {
    const base = { name: this.name, count: this.count, nulls: this.nulls };
    if (this.count === 0) {
      return {
        ...base,
        type: 'empty',
        min: null,
        max: null,
        mean: null,
        std: null,
        quantiles: null,
        quantilesSampled: false,
        distinct: 0,
        distinctCapped: false,
        top: null,
      };
    }
    if (this.numeric) {
      const sorted = Float64Array.from(this.sample).sort();
      const at = (q: number) => {
        const pos = q * (sorted.length - 1);
        const lo = Math.floor(pos);
        const hi = Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
      };
      return {
        ...base,
        type: 'number',
        min: this.min,
        max: this.max,
        mean: this.mean,
        std: this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0,
        quantiles: Object.fromEntries(QUANTILES.map((q) => [`p${Math.round(q * 100)}`, at(q)])),
        quantilesSampled: this.seen > SAMPLE,
        distinct: this.numbers.size,
        distinctCapped: this.capped,
        top: null,
      };
    }
    // The text range is of the values seen since the column stopped being numeric, plus those before.
    let min = this.textMin;
    let max = this.textMax;
    for (const v of this.values.keys()) {
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    }
    const top = [...this.values.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([value, count]) => ({ value, count }));
    return {
      ...base,
      type: 'text',
      min,
      max,
      mean: null,
      std: null,
      quantiles: null,
      quantilesSampled: false,
      distinct: this.values.size,
      distinctCapped: this.capped,
      top,
    };
  }
}

export const PREVIEW_ROWS = 50;
const PREVIEW_CELL = 200;

/** The statistics of every column, plus the first PREVIEW_ROWS rows (long cells cut). */
export class TableProfile {
  rows = 0;
  readonly preview: (string | null)[][] = [];
  private readonly columns: ColumnProfile[];

  constructor(
    readonly names: string[],
    seed = 1,
  ) {
    const random = seededRandom(seed);
    this.columns = names.map((n) => new ColumnProfile(n, random));
  }

  addRow(cells: readonly Cell[]): void {
    this.rows++;
    for (let i = 0; i < this.columns.length; i++) this.columns[i].add(cells[i]);
    if (this.preview.length < PREVIEW_ROWS) {
      this.preview.push(this.columns.map((_, i) => (isNullCell(cells[i]) ? null : String(cells[i]).slice(0, PREVIEW_CELL))));
    }
  }

  stats(): ColumnStats[] {
    return this.columns.map((c) => c.stats());
  }
}
