export { type Matrix, toMatrix } from './binning.ts';
export { argmax, RandomForestClassifier, type SerialisedClassifier } from './classifier.ts';
export type { ForestOptions, MaxFeatures } from './forest.ts';
export { accuracy, type ClassificationReport, type ClassMetrics, classificationReport, meanSquaredError, r2 } from './metrics.ts';
export { RandomForestRegressor, type SerialisedRegressor } from './regressor.ts';
export { pick, stratifiedKFold, stratifiedSplit } from './split.ts';
