"""scikit-learn peer for bench/forest.ts: the same train/test split, the same hyperparameters, one thread.

Usage: python3 bench/forest_peer.py DIR ROWS COLS TREES REPEATS
Reads DIR/x.f64 (rows x cols, row-major), DIR/labels.txt, DIR/train.i32, DIR/test.i32. Fits one
untimed 10-tree forest (the warm-up bench/forest.ts also does), then REPEATS timed forests with
random_state 0..REPEATS-1; prints one JSON line with each fit's seconds, test accuracy, OOB score and
mean nodes per tree (leaves included, as lib/forest counts them).
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

d, rows, cols, trees, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
x = np.fromfile(f"{d}/x.f64", dtype=np.float64).reshape(rows, cols)
y = np.array(open(f"{d}/labels.txt").read().split("\n"))
train = np.fromfile(f"{d}/train.i32", dtype=np.int32)
test = np.fromfile(f"{d}/test.i32", dtype=np.int32)


def forest(n, seed):
    return RandomForestClassifier(n_estimators=n, max_features="sqrt", oob_score=True, n_jobs=1, random_state=seed)


forest(10, 1000).fit(x[train], y[train])  # warm-up
fits = []
for repeat in range(repeats):
    model = forest(trees, repeat)
    started = time.perf_counter()
    model.fit(x[train], y[train])
    seconds = time.perf_counter() - started
    fits.append({
        "seconds": seconds,
        "accuracy": float((model.predict(x[test]) == y[test]).mean()),
        "oob": float(model.oob_score_),
        "nodes": float(np.mean([e.tree_.node_count for e in model.estimators_])),
    })
print(json.dumps({"fits": fits, "sklearn": sklearn.__version__}))
