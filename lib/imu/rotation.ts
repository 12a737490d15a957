// 3×3 rotation matrices (row-major arrays) for the synthetic IMU: elementary rotations, products,
// and the body angular rate between two nearby orientations (what a gyroscope measures).
export type Mat = number[];
export type Vec = [number, number, number];

export const IDENTITY: Mat = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function rotX(a: number): Mat {
  const c = Math.cos(a),
    s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}
export function rotY(a: number): Mat {
  const c = Math.cos(a),
    s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}
export function rotZ(a: number): Mat {
  const c = Math.cos(a),
    s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

/** Rotation about a device axis (0 = x, 1 = y, 2 = z). */
export function rotAbout(axis: 0 | 1 | 2, a: number): Mat {
  return axis === 0 ? rotX(a) : axis === 1 ? rotY(a) : rotZ(a);
}

export function mul(a: Mat, b: Mat): Mat {
  const m = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  return m;
}

/** M·v: a vector of the rotated frame expressed in the outer (world) frame. */
export function apply(m: Mat, v: Vec): Vec {
  return [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
}

/** Mᵀ·v: a world (outer-frame) vector as the rotated frame sees it. */
export function applyT(m: Mat, v: Vec): Vec {
  return [m[0] * v[0] + m[3] * v[1] + m[6] * v[2], m[1] * v[0] + m[4] * v[1] + m[7] * v[2], m[2] * v[0] + m[5] * v[1] + m[8] * v[2]];
}

/**
 * The body-frame angular velocity taking orientation `before` to `after` in `dt` seconds (central
 * differences: pass the orientations at t − dt/2 and t + dt/2): the axial vector of Rᵀ·Ṙ.
 */
export function bodyRate(before: Mat, after: Mat, dt: number): Vec {
  // Rᵀ·Ṙ ≈ (beforeᵀ·after − afterᵀ·before) / (2·dt), which is skew-symmetric to second order.
  const a = mulTransposeA(before, after);
  const b = mulTransposeA(after, before);
  const k = 1 / (2 * dt);
  return [(a[7] - b[7]) * k, (a[2] - b[2]) * k, (a[3] - b[3]) * k];
}

function mulTransposeA(a: Mat, b: Mat): Mat {
  const m = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r * 3 + c] = a[r] * b[c] + a[3 + r] * b[3 + c] + a[6 + r] * b[6 + c];
  return m;
}
