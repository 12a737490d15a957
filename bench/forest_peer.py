"""scikit-learn peer for bench/forest.ts: the same train/test split, the same hyperparameters, one thread.

Usage: python3 bench/forest_peer.py DIR ROWS COLS TREES
Reads DIR/x.f64 (rows x cols, row-major), DIR/labels.txt, DIR/train.i32, DIR/test.i32;
prints one JSON line: fit seconds, accuracy on the test rows, OOB score, version.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

d, rows, cols, trees = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(f"{d}/x.f64", dtype=np.float64).reshape(rows, cols)
y = np.array(open(f"{d}/labels.txt").read().split("\n"))
train = np.fromfile(f"{d}/train.i32", dtype=np.int32)
test = np.fromfile(f"{d}/test.i32", dtype=np.int32)
results = []
for repeat in range(2):
    forest = RandomForestClassifier(n_estimators=trees, max_features="sqrt", oob_score=True, n_jobs=1, random_state=repeat)
    started = time.perf_counter()
    forest.fit(x[train], y[train])
    seconds = time.perf_counter() - started
    accuracy = float((forest.predict(x[test]) == y[test]).mean())
    results.append((seconds, accuracy, float(forest.oob_score_)))
seconds, accuracy, oob = min(results)
print(json.dumps({"seconds": seconds, "accuracy": accuracy, "oob": oob, "sklearn": sklearn.__version__}))
