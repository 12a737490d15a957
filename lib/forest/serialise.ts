// A forest as plain JSON (the registry keeps model artifacts in jsonb): tree arrays are stored as
// base64 of their little-endian bytes, about 4× smaller than JSON numbers and exact for doubles.
import type { Tree } from './tree.ts';

export interface SerialisedTree {
  feature: string;
  threshold: string;
  left: string;
  right: string;
  values: string;
  width: number;
}

const encode = (a: Int32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function decode<T extends Int32Array | Float64Array>(text: string, Type: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = Buffer.from(text, 'base64');
  // Copy into a fresh, aligned buffer: Buffer's pool offsets need not be multiples of 8.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  if (copy.byteLength % Type.BYTES_PER_ELEMENT) throw new Error('corrupt forest artifact: array length');
  return new Type(copy);
}

export function serialiseTree(t: Tree): SerialisedTree {
  return {
    feature: encode(t.feature),
    threshold: encode(t.threshold),
    left: encode(t.left),
    right: encode(t.right),
    values: encode(t.values),
    width: t.width,
  };
}

export function deserialiseTree(s: SerialisedTree): Tree {
  const tree: Tree = {
    feature: decode(s.feature, Int32Array),
    threshold: decode(s.threshold, Float64Array),
    left: decode(s.left, Int32Array),
    right: decode(s.right, Int32Array),
    values: decode(s.values, Float64Array),
    width: s.width,
  };
  const nodes = tree.feature.length;
  if (tree.threshold.length !== nodes || tree.left.length !== nodes || tree.right.length !== nodes) {
    throw new Error('corrupt forest artifact: node arrays differ in length');
  }
  return tree;
}
