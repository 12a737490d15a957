// What a cheap MEMS IMU adds to the true motion, per device (seeded by its id, so a device keeps its
// calibration errors across sessions) and per session (noise, drift): bias and scale error per axis,
// a gyroscope bias that random-walks, an accelerometer bias that drifts as the device warms on the
// wrist, a magnetometer hard-iron offset and a local field disturbance, white noise, quantisation to
// a 16-bit LSB and saturation at full scale; and a sample clock that runs a little fast or slow.
import { G, sensorRanges } from './reading.ts';
import { hashSeed, seededRandom, type Random } from '../random.ts';
import type { Vec } from './rotation.ts';

export interface DeviceSensor {
  accBias: Vec;
  gyroBias: Vec;
  magBias: Vec;
  accScale: Vec;
  gyroScale: Vec;
  /** Multiplies the white noise of every channel. */
  noise: number;
  /** The sample clock's relative error: the device believes it samples at f, it samples at f / (1 + rateError). */
  rateError: number;
  /** Accelerometer bias reached once warm (exponential, time constant WARM_UP_S). */
  accWarmDrift: Vec;
}

const NOISE = { acc: 0.04, gyro: 0.005, mag: 0.4 };
const LSB = { acc: (32 * G) / 65536, gyro: ((4000 / 65536) * Math.PI) / 180, mag: 0.15 };
/** Gyroscope bias random walk, rad/s per √s. */
const GYRO_WALK = 0.0015;
const WARM_UP_S = 90;

const three = (f: () => number): Vec => [f(), f(), f()];

export function deviceSensor(deviceId: string): DeviceSensor {
  const r = seededRandom(hashSeed(`device:${deviceId}`));
  return {
    accBias: three(() => r.normal() * 0.15),
    gyroBias: three(() => r.normal() * 0.02),
    magBias: three(() => r.normal() * 20),
    accScale: three(() => 1 + r.normal() * 0.02),
    gyroScale: three(() => 1 + r.normal() * 0.03),
    noise: Math.exp(Math.max(-0.6, Math.min(0.9, r.normal() * 0.3))),
    rateError: r.normal() * 0.003,
    accWarmDrift: three(() => r.normal() * 0.1),
  };
}

export interface SensorReadout {
  acc: Vec;
  gyro: Vec;
  mag: Vec;
}

/** One session's readout of a device: call `read` once per sample, in time order. */
export function sensorReadout(sensor: DeviceSensor, noise: Random) {
  const walk: Vec = [0, 0, 0];
  const disturbance = three(() => noise.normal() * 4);
  const disturbanceHz = noise.between(0.01, 0.05);
  let lastT = 0;
  return {
    read(acc: Vec, gyro: Vec, field: Vec, t: number): SensorReadout {
      const dt = Math.max(0, t - lastT);
      lastT = t;
      const warm = 1 - Math.exp(-t / WARM_UP_S);
      const wander = Math.sin(2 * Math.PI * disturbanceHz * t);
      const out: SensorReadout = { acc: [0, 0, 0], gyro: [0, 0, 0], mag: [0, 0, 0] };
      for (let k = 0; k < 3; k++) {
        walk[k] += noise.normal() * GYRO_WALK * Math.sqrt(dt);
        const a = acc[k] * sensor.accScale[k] + sensor.accBias[k] + sensor.accWarmDrift[k] * warm + noise.normal() * NOISE.acc * sensor.noise;
        const g = gyro[k] * sensor.gyroScale[k] + sensor.gyroBias[k] + walk[k] + noise.normal() * NOISE.gyro * sensor.noise;
        const m = field[k] + sensor.magBias[k] + disturbance[k] * wander + noise.normal() * NOISE.mag * sensor.noise;
        out.acc[k] = quantise(a, LSB.acc, sensorRanges.acc);
        out.gyro[k] = quantise(g, LSB.gyro, sensorRanges.gyro);
        out.mag[k] = quantise(m, LSB.mag, sensorRanges.mag);
      }
      return out;
    },
  };
}

function quantise(value: number, lsb: number, range: { min: number; max: number }): number {
  const v = Math.round(value / lsb) * lsb;
  return v < range.min ? range.min : v > range.max ? range.max : v;
}
