// The exercises the synthetic sessions simulate, as movement parameters of a wrist-worn device.
// Several resemble each other on purpose (squat and lunge, bicep and hammer curls, shoulder press
// and squat, plank and a paused push-up), and each admits the postures different people use.
//
// Device frame (a watch on the left wrist): x along the forearm towards the hand, y across the wrist,
// z out of the back of the wrist. World frame: z up. The accelerometer reads specific force, so a
// device at rest reads +9.81 m/s² on whichever axis points up. A posture is the forearm's neutral
// orientation as roll (about x) then pitch (about y), degrees; pitch 90 points the hand down.
import type { Channel } from './reading.ts';

export const EXERCISES = ['squat', 'lunge', 'push-up', 'bicep-curl', 'hammer-curl', 'shoulder-press', 'jumping-jack', 'jogging', 'plank'] as const;
export type Exercise = (typeof EXERCISES)[number];

type Swing = { axis: 'y' | 'z'; centreDeg: number; amplitudeDeg: number; leverM: number };
type Bounce = { amplitudeM: number; harmonic: number };
type Impacts = { perRepetition: number; peak: number };

/**
 * One way people do an exercise: its posture (the forearm's neutral orientation) and whatever it
 * changes in the movement; what it does not name is the exercise's own.
 */
export interface Variant {
  name: string;
  /** How common the variant is among people doing the exercise (shares of one exercise sum to 1). */
  share: number;
  roll: number;
  pitch: number;
  swing?: Swing | null;
  bounce?: Bounce | null;
  impacts?: Impacts | null;
  /** Multiplies the repetition rate. */
  tempo?: number;
  /** Arms take turns: the device's arm rests every other repetition. */
  alternatingArms?: boolean;
  /** The forearm turns this many degrees about itself during each repetition (an Arnold press). */
  twistDeg?: number;
}

export interface ExerciseProfile {
  description: string;
  /** Repetitions per second (strides for jogging) of a typical person; 0 for a static hold. */
  repetitionHz: number;
  variants: Variant[];
  /**
   * The limb's swing per repetition: a rotation about a forearm axis by centre ± amplitude degrees,
   * with the device `leverM` metres from the joint along x (which adds tangential and centripetal acceleration).
   */
  swing: Swing | null;
  /** Vertical movement of the device with the body or the arm: amplitude in metres, at `harmonic` × the repetition rate. */
  bounce: Bounce | null;
  /** Landings per repetition, each a short upward pulse of `peak` m/s² (σ 25 ms). */
  impacts: Impacts | null;
  /** Second-harmonic share of the movement, which makes up and down phases differ as they do in people. */
  secondHarmonic: number;
  /** Every other repetition leans the forearm this many degrees the other way (alternating legs). */
  alternateRollDeg: number;
  /** Muscle tremor under load: amplitude in m/s² at 8–12 Hz (0 for none). */
  tremor: number;
  /** The channel that shows the repetition most plainly in the first variant; null for a static hold. */
  primaryChannel: Channel | null;
}

export const exerciseProfiles: Record<Exercise, ExerciseProfile> = {
  squat: {
    description: 'the body goes down ~0.45 m and up; arms held forward, swung forward, clasped at the chest, or on the hips',
    repetitionHz: 0.45,
    variants: [
      { name: 'arms forward', share: 0.4, roll: 0, pitch: 0 },
      { name: 'arms swing forward', share: 0.2, roll: 90, pitch: 70, swing: { axis: 'z', centreDeg: -35, amplitudeDeg: 35, leverM: 0.6 } },
      { name: 'hands at the chest', share: 0.25, roll: 90, pitch: 0 },
      { name: 'hands on the hips', share: 0.15, roll: 90, pitch: 35 },
    ],
    swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 10, leverM: 0 },
    bounce: { amplitudeM: 0.22, harmonic: 1 },
    impacts: null,
    secondHarmonic: 0.15,
    alternateRollDeg: 0,
    tremor: 0,
    primaryChannel: 'az',
  },
  lunge: {
    description: 'a step forward and down ~0.35 m, legs alternating; arms hanging, hands on the hips, or swinging as in walking lunges',
    repetitionHz: 0.33,
    variants: [
      { name: 'arms hanging', share: 0.5, roll: 90, pitch: 85 },
      { name: 'hands on the hips', share: 0.3, roll: 90, pitch: 35 },
      {
        name: 'walking lunges',
        share: 0.2,
        roll: 90,
        pitch: 80,
        swing: { axis: 'z', centreDeg: 0, amplitudeDeg: 18, leverM: 0.6 },
        impacts: { perRepetition: 1, peak: 6 },
      },
    ],
    swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 6, leverM: 0.1 },
    bounce: { amplitudeM: 0.18, harmonic: 1 },
    impacts: { perRepetition: 1, peak: 3 },
    secondHarmonic: 0.2,
    alternateRollDeg: 7,
    tremor: 0,
    primaryChannel: 'ax',
  },
  'push-up': {
    description: 'hands (or fists) on the floor, forearm near vertical; the forearm tilts as the chest lowers; some on their knees',
    repetitionHz: 0.55,
    variants: [
      { name: 'full', share: 0.55, roll: 0, pitch: 70 },
      { name: 'on the fists', share: 0.15, roll: 90, pitch: 70 },
      { name: 'on the knees', share: 0.3, roll: 0, pitch: 60, tempo: 1.25, swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 10, leverM: 0.05 } },
    ],
    swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 18, leverM: 0.05 },
    bounce: { amplitudeM: 0.02, harmonic: 1 },
    impacts: null,
    secondHarmonic: 0.2,
    alternateRollDeg: 0,
    tremor: 0.05,
    primaryChannel: 'gy',
  },
  'bicep-curl': {
    description: 'arm hanging, palm forward; the forearm curls up ~130° about the elbow and lowers slowly; both arms or in turns',
    repetitionHz: 0.4,
    variants: [
      { name: 'both arms', share: 0.6, roll: 0, pitch: 90 },
      { name: 'alternating arms', share: 0.4, roll: 0, pitch: 90, tempo: 1.6, alternatingArms: true },
    ],
    swing: { axis: 'y', centreDeg: -65, amplitudeDeg: 65, leverM: 0.3 },
    bounce: null,
    impacts: null,
    secondHarmonic: 0.25,
    alternateRollDeg: 0,
    tremor: 0,
    primaryChannel: 'gy',
  },
  'hammer-curl': {
    description: 'a curl with the thumb up (neutral grip): the same elbow movement, the wrist turned 90°; both arms or in turns',
    repetitionHz: 0.4,
    variants: [
      { name: 'both arms', share: 0.6, roll: 90, pitch: 90 },
      { name: 'alternating arms', share: 0.4, roll: 90, pitch: 90, tempo: 1.6, alternatingArms: true },
    ],
    swing: { axis: 'z', centreDeg: 65, amplitudeDeg: 60, leverM: 0.3 },
    bounce: null,
    impacts: null,
    secondHarmonic: 0.25,
    alternateRollDeg: 0,
    tremor: 0,
    primaryChannel: 'gz',
  },
  'shoulder-press': {
    description: 'hands from the shoulders to overhead and back, forearms near vertical; some turn the palms on the way up (Arnold press)',
    repetitionHz: 0.4,
    variants: [
      { name: 'dumbbell press', share: 0.7, roll: 0, pitch: -80 },
      { name: 'Arnold press', share: 0.3, roll: -45, pitch: -80, twistDeg: 90, tempo: 0.85 },
    ],
    swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 12, leverM: 0.3 },
    bounce: { amplitudeM: 0.2, harmonic: 1 },
    impacts: null,
    secondHarmonic: 0.15,
    alternateRollDeg: 0,
    tremor: 0.04,
    primaryChannel: 'ax',
  },
  'jumping-jack': {
    description: 'arms swing from the sides to overhead (or only to shoulder height) and back while the feet jump out and in',
    repetitionHz: 0.8,
    variants: [
      { name: 'full', share: 0.75, roll: 0, pitch: 90 },
      { name: 'arms to shoulder height', share: 0.25, roll: 0, pitch: 90, swing: { axis: 'z', centreDeg: 45, amplitudeDeg: 45, leverM: 0.5 } },
    ],
    swing: { axis: 'z', centreDeg: 75, amplitudeDeg: 75, leverM: 0.5 },
    bounce: { amplitudeM: 0.05, harmonic: 2 },
    impacts: { perRepetition: 2, peak: 12 },
    secondHarmonic: 0.1,
    alternateRollDeg: 0,
    tremor: 0,
    primaryChannel: 'gz',
  },
  jogging: {
    description: 'elbow bent, thumb up; the arm swings with each stride, two foot strikes per stride; on a treadmill some hold the rails',
    repetitionHz: 1.4,
    variants: [
      { name: 'arms swinging', share: 0.8, roll: 90, pitch: 0 },
      {
        name: 'holding the treadmill rails',
        share: 0.2,
        roll: 0,
        pitch: 20,
        swing: { axis: 'y', centreDeg: 0, amplitudeDeg: 3, leverM: 0.3 },
        impacts: { perRepetition: 2, peak: 5 },
      },
    ],
    swing: { axis: 'z', centreDeg: 0, amplitudeDeg: 30, leverM: 0.35 },
    bounce: { amplitudeM: 0.05, harmonic: 2 },
    impacts: { perRepetition: 2, peak: 14 },
    secondHarmonic: 0.1,
    alternateRollDeg: 0,
    tremor: 0,
    primaryChannel: 'gz',
  },
  plank: {
    description: 'a static hold with slow sway and muscle tremor: on the forearms (fists thumb up or palms down) or on straight arms',
    repetitionHz: 0,
    variants: [
      { name: 'forearms, fists', share: 0.5, roll: 90, pitch: 0 },
      { name: 'forearms, palms down', share: 0.25, roll: 0, pitch: 0 },
      { name: 'straight arms', share: 0.25, roll: 0, pitch: 70 },
    ],
    swing: null,
    bounce: null,
    impacts: null,
    secondHarmonic: 0,
    alternateRollDeg: 0,
    tremor: 0.12,
    primaryChannel: null,
  },
};
