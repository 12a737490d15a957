// The exercise classifier on simulated people: scored on persons it never saw, it must do far better
// than chance and still make mistakes (the simulator is not separable), and the split must never
// put one person on both sides.
import { describe, expect, it } from 'vitest';
import { EXERCISES } from '../../../lib/imu/exercises.ts';
import { simulatePopulation } from '../../../lib/imu/population.ts';
import { holdOutPersons, trainExerciseClassifier, type LabelledWindows } from '../../../lib/ml/exercise-model.ts';

describe('trainExerciseClassifier', () => {
  const people = simulatePopulation({ persons: 8, sessionsPerExercise: 1, sessionSeconds: 30 });

  it('holds out whole persons and scores the forest on them: far above chance, below perfect', async () => {
    const outcome = await trainExerciseClassifier(people, { holdout: 0.25, seed: 3, nEstimators: 40 });
    expect(outcome.split.heldOut).toBe('persons');
    expect(outcome.split.testPersons).toHaveLength(2);
    const test = new Set(outcome.split.testPersons);
    for (let row = 0; row < people.labels.length; row++) expect(outcome.testRows.includes(row)).toBe(test.has(people.persons[row]));
    const chance = 1 / EXERCISES.length;
    expect(outcome.report.accuracy).toBeGreaterThan(4 * chance);
    expect(outcome.report.accuracy).toBeLessThan(1);
    expect(outcome.split.testWindows + outcome.split.trainWindows).toBe(people.labels.length);
  });

  it('chooses the same persons for the same seed, and at least one but never all', () => {
    const persons = ['a', 'a', 'b', 'c', 'c', 'd', 'e'];
    expect(holdOutPersons(persons, 0.4, 9)).toEqual(holdOutPersons(persons, 0.4, 9));
    expect(holdOutPersons(persons, 0.4, 9).size).toBe(2);
    expect(holdOutPersons(persons, 0.01, 1).size).toBe(1);
    expect(holdOutPersons(persons, 0.99, 1).size).toBe(4);
  });

  it('with fewer than three persons, holds out whole sessions instead', async () => {
    const two: LabelledWindows = { ...people, persons: people.persons.map((p) => (p === people.persons[0] ? 'x' : 'y')) };
    const outcome = await trainExerciseClassifier(two, { holdout: 0.25, seed: 3, nEstimators: 10 });
    expect(outcome.split.heldOut).toBe('sessions');
    const testSessions = new Set(outcome.testRows.map((r) => two.sessions[r]));
    for (let row = 0; row < two.labels.length; row++) expect(outcome.testRows.includes(row)).toBe(testSessions.has(two.sessions[row]));
  });
});
