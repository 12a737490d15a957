// The exercises the synthetic sessions simulate, as movement parameters of a wrist-worn device.
//
// Device frame (a watch on the left wrist): x along the forearm towards the hand, y across the wrist,
// z out of the back of the wrist. World frame: z up. The accelerometer reads specific force, so a
// device at rest reads +9.81 m/s² on whichever axis points up.
import type { Channel } from './reading.ts';

export const EXERCISES = ['squat', 'push-up', 'bicep-curl', 'jumping-jack', 'jogging', 'plank'] as const;
export type Exercise = (typeof EXERCISES)[number];

export interface ExerciseProfile {
  description: string;
  /** Repetitions per second (strides for jogging); 0 for a static hold. */
  repetitionHz: number;
  /** Neutral orientation of the device as roll (about x) then pitch (about y), degrees. Heading is random per session. */
  orientationDeg: { roll: number; pitch: number };
  /**
   * The limb's swing per repetition: a rotation about a device axis by centre ± amplitude degrees,
   * with the device `leverM` metres from the joint along x (which adds tangential and centripetal acceleration).
   */
  swing: { axis: 'y' | 'z'; centreDeg: number; amplitudeDeg: number; leverM: number } | null;
  /** Vertical movement of the whole body: amplitude in metres, at `harmonic` × repetitionHz. */
  bounce: { amplitudeM: number; harmonic: number } | null;
  /** Landings per repetition, each a short upward pulse of `peak` m/s² (σ 25 ms). */
  impacts: { perRepetition: number; peak: number } | null;
  /** Second-harmonic share of the movement, which makes up and down phases differ as they do in people. */
  secondHarmonic: number;
  /** Muscle tremor under load: amplitude in m/s² at 8–12 Hz (0 for none). */
  tremor: number;
  /** The channel that shows the repetition most plainly; null for a static hold. */
  primaryChannel: Channel | null;
}

export const exerciseProfiles: Record<Exercise, ExerciseProfile> = {
  squat: {
    description: 'arms held forward, palms down; the body goes down ~0.45 m and up, the forearm tilting a little',
    repetitionHz: 0.45,
    orientationDeg: { roll: 0, pitch: 0 },
    swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 10, leverM: 0 },
    bounce: { amplitudeM: 0.22, harmonic: 1 },
    impacts: null,
    secondHarmonic: 0.15,
    tremor: 0,
    primaryChannel: 'az',
  },
  'push-up': {
    description: 'hands on the floor, forearm near vertical; the forearm tilts as the chest lowers',
    repetitionHz: 0.55,
    orientationDeg: { roll: 0, pitch: 70 },
    swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 18, leverM: 0.05 },
    bounce: { amplitudeM: 0.02, harmonic: 1 },
    impacts: null,
    secondHarmonic: 0.2,
    tremor: 0.05,
    primaryChannel: 'gy',
  },
  'bicep-curl': {
    description: 'arm hanging, the forearm curls up ~130° about the elbow and lowers slowly',
    repetitionHz: 0.4,
    orientationDeg: { roll: 0, pitch: 90 },
    swing: { axis: 'y', centreDeg: -65, amplitudeDeg: 65, leverM: 0.3 },
    bounce: null,
    impacts: null,
    secondHarmonic: 0.25,
    tremor: 0,
    primaryChannel: 'gy',
  },
  'jumping-jack': {
    description: 'arms swing from the sides to overhead and back while the feet jump out and in',
    repetitionHz: 0.8,
    orientationDeg: { roll: 0, pitch: 90 },
    swing: { axis: 'z', centreDeg: 75, amplitudeDeg: 75, leverM: 0.5 },
    bounce: { amplitudeM: 0.05, harmonic: 2 },
    impacts: { perRepetition: 2, peak: 12 },
    secondHarmonic: 0.1,
    tremor: 0,
    primaryChannel: 'gz',
  },
  jogging: {
    description: 'elbow bent, thumb up; the arm swings with each stride, two foot strikes per stride',
    repetitionHz: 1.4,
    orientationDeg: { roll: 90, pitch: 0 },
    swing: { axis: 'z', centreDeg: 0, amplitudeDeg: 30, leverM: 0.35 },
    bounce: { amplitudeM: 0.05, harmonic: 2 },
    impacts: { perRepetition: 2, peak: 14 },
    secondHarmonic: 0.1,
    tremor: 0,
    primaryChannel: 'gz',
  },
  plank: {
    description: 'forearm plank, fists thumb up; a static hold with slow sway and muscle tremor',
    repetitionHz: 0,
    orientationDeg: { roll: 90, pitch: 0 },
    swing: null,
    bounce: null,
    impacts: null,
    secondHarmonic: 0,
    tremor: 0.12,
    primaryChannel: null,
  },
};
