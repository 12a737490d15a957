// The people wearing simulated devices: each has a style of their own, drawn once from their id, so
// the same person moves the same way in every session and a model has to generalise across people.
//   pace and range of motion (person-wide, and again per exercise), limb length, which wrist and how
//   the strap sits (rotated, tilted, face inside), the variant and posture chosen per exercise, pauses
//   between repetitions, interruptions, fatigue, an asymmetric up/down tempo, and how much they sway.
import { EXERCISES, exerciseProfiles, type Exercise, type ExerciseProfile } from './exercises.ts';
import { hashSeed, seededRandom, type Random } from '../random.ts';

export interface PersonStyle {
  personId: string;
  /** Multiplies every exercise's repetition rate. */
  tempo: number;
  /** Multiplies swing angles and vertical travel. */
  rangeOfMotion: number;
  /** Multiplies lever arms (forearm and arm length). */
  limb: number;
  wrist: 'left' | 'right';
  /** The watch worn with its face on the inner wrist: the device is rolled 180° about the forearm. */
  faceInside: boolean;
  /** The strap's rotation about the forearm and the device's tilt on it, degrees. */
  mountDeg: { roll: number; pitch: number; yaw: number };
  /** Chance of a pause (0.5–2.5 s) after a repetition. */
  pauseChance: number;
  /** Interruptions a minute: a few seconds of something else (a look at the watch, wiping the face, a new grip). */
  interruptionsPerMinute: number;
  /** Share by which pace and range drop over one minute of exercise. */
  fatiguePerMinute: number;
  /** Warps the phase so lowering and lifting take different times (0 = symmetric). */
  phaseWarp: number;
  /** Multiplies the slow orientation wander. */
  sway: number;
}

/** The exercise as this person does it: the variant they chose, their posture, pace and range. */
export interface ExerciseStyle extends Pick<ExerciseProfile, 'swing' | 'bounce' | 'impacts'> {
  variant: string;
  posture: { roll: number; pitch: number };
  /** Repetition rate in Hz (0 for a static hold). */
  repetitionHz: number;
  rangeOfMotion: number;
  secondHarmonic: number;
  alternatingArms: boolean;
  twistDeg: number;
}

const clamp = (v: number, min: number, max: number) => (v < min ? min : v > max ? max : v);
const logNormal = (r: Random, sigma: number, limit: number) => Math.exp(clamp(r.normal() * sigma, -limit, limit));

export function personStyle(personId: string): PersonStyle {
  const r = seededRandom(hashSeed(`person:${personId}`));
  return {
    personId,
    tempo: logNormal(r, 0.15, 0.4),
    rangeOfMotion: logNormal(r, 0.18, 0.5),
    limb: logNormal(r, 0.08, 0.2),
    wrist: r.next() < 0.75 ? 'left' : 'right',
    faceInside: r.next() < 0.1,
    mountDeg: { roll: clamp(r.normal() * 15, -40, 40), pitch: clamp(r.normal() * 5, -15, 15), yaw: clamp(r.normal() * 5, -15, 15) },
    pauseChance: r.between(0, 0.15),
    interruptionsPerMinute: r.between(0, 1.2),
    fatiguePerMinute: r.between(0, 0.12),
    phaseWarp: clamp(r.normal() * 0.2, -0.5, 0.5),
    sway: logNormal(r, 0.3, 0.8),
  };
}

/** How this person does this exercise: posture, pace and range, the same in every session. */
export function exerciseStyle(person: PersonStyle, exercise: Exercise): ExerciseStyle {
  if (!EXERCISES.includes(exercise)) throw new RangeError(`unknown exercise "${exercise}"`);
  const profile = exerciseProfiles[exercise];
  const r = seededRandom(hashSeed(`style:${person.personId}:${exercise}`));
  let pick = r.next();
  const v = profile.variants.find((p) => (pick -= p.share) < 0) ?? profile.variants.at(-1)!;
  return {
    variant: v.name,
    posture: { roll: v.roll + clamp(r.normal() * 10, -25, 25), pitch: v.pitch + clamp(r.normal() * 10, -25, 25) },
    swing: v.swing === undefined ? profile.swing : v.swing,
    bounce: v.bounce === undefined ? profile.bounce : v.bounce,
    impacts: v.impacts === undefined ? profile.impacts : v.impacts,
    repetitionHz: profile.repetitionHz * (v.tempo ?? 1) * person.tempo * logNormal(r, 0.1, 0.3),
    rangeOfMotion: person.rangeOfMotion * logNormal(r, 0.15, 0.4),
    secondHarmonic: profile.secondHarmonic + clamp(r.normal() * 0.08, -0.15, 0.15),
    alternatingArms: v.alternatingArms ?? false,
    twistDeg: v.twistDeg ?? 0,
  };
}
