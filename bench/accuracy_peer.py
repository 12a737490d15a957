"""scikit-learn peer for bench/accuracy.ts: the same person-grouped folds, the same hyperparameters.

Usage: python3 bench/accuracy_peer.py DIR ROWS COLS TREES
Reads DIR/x.f64 (rows x cols, row-major; NaN = no magnetometer, imputed with 0 as our forest's
missing bin does not exist in scikit-learn), DIR/labels.txt, DIR/folds.i32 (the fold of each row);
prints one JSON line: the window accuracy of each fold, mean tree node count, version.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

d, rows, cols, trees = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.nan_to_num(np.fromfile(f"{d}/x.f64", dtype=np.float64).reshape(rows, cols), nan=0.0)
y = np.array(open(f"{d}/labels.txt").read().split("\n"))
fold = np.fromfile(f"{d}/folds.i32", dtype=np.int32)
accuracies = []
nodes = []
for k in sorted(set(fold.tolist())):
    forest = RandomForestClassifier(n_estimators=trees, max_features="sqrt", n_jobs=1, random_state=k)
    forest.fit(x[fold != k], y[fold != k])
    accuracies.append(float((forest.predict(x[fold == k]) == y[fold == k]).mean()))
    nodes.append(float(np.mean([e.tree_.node_count for e in forest.estimators_])))
print(json.dumps({"accuracies": accuracies, "nodes": float(np.mean(nodes)), "sklearn": sklearn.__version__}))
