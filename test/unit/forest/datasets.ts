// scikit-learn's bundled CSVs (iris, wine, breast cancer): real labelled data for the forest tests.
// The first line is "rows,features,class names…"; each row is features then the class index.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Labelled {
  name: string;
  x: number[][];
  y: string[];
}

let dataDir: string | undefined;
export function sklearnDataDir(): string {
  dataDir ??= join(
    execFileSync('python3', ['-c', 'import os, sklearn; print(os.path.dirname(sklearn.__file__))'], { encoding: 'utf8' }).trim(),
    'datasets',
    'data',
  );
  return dataDir;
}

export function loadDataset(name: 'iris' | 'wine_data' | 'breast_cancer'): Labelled {
  const [header, ...lines] = readFileSync(join(sklearnDataDir(), `${name}.csv`), 'utf8')
    .trim()
    .split('\n');
  const classNames = header.split(',').slice(2);
  const x: number[][] = [];
  const y: string[] = [];
  for (const line of lines) {
    const values = line.split(',').map(Number);
    y.push(classNames[values.pop()!]);
    x.push(values);
  }
  return { name, x, y };
}
