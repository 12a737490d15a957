// The IMU sensor pipeline's pure code in one import: reading shapes and limits, cleaning, windows,
// the feature catalogue and extractor, and synthetic sessions of simulated people.
export { CHANNELS, G, allocateColumns, columnsFromReadings, deviceColumns, sensorRanges } from './reading.ts';
export type { Channel, DeviceReading, Reading, ReadingColumns } from './reading.ts';
export { cleanReadings } from './clean.ts';
export type { CleanedReadings, CleaningCounts } from './clean.ts';
export { DEFAULT_GAP_FACTOR, DEFAULT_OVERLAP, DEFAULT_WINDOW_SIZE, cutWindows, windowSampleRate, windowStep } from './windows.ts';
export type { ReadingWindow, WindowOptions } from './windows.ts';
export { BANDS_HZ, FEATURE_COUNT, SIGNALS, featureCatalogue } from './catalogue.ts';
export type { FeatureGroup, FeatureInfo, Signal } from './catalogue.ts';
export { createFeatureExtractor, extractFeatures } from './features.ts';
export type { FeatureExtractor, WindowSpan } from './features.ts';
export { EXERCISES, exerciseProfiles } from './exercises.ts';
export type { Exercise, ExerciseProfile, Variant } from './exercises.ts';
export { exerciseStyle, personStyle } from './persons.ts';
export type { ExerciseStyle, PersonStyle } from './persons.ts';
export { generateSession, sessionColumns } from './synthetic.ts';
export type { SessionOptions, SyntheticSession } from './synthetic.ts';
