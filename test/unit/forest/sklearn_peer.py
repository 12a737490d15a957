"""Cross-validated accuracy of scikit-learn's RandomForestClassifier on given folds (for forest tests).

stdin: {"dataset": name, "folds": [[test rows], ...], "trees": n, "seeds": [..]}
stdout: {"accuracy": mean accuracy over folds and seeds}
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

job = json.load(sys.stdin)
path = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", job["dataset"] + ".csv")
data = np.loadtxt(path, delimiter=",", skiprows=1)
x, y = data[:, :-1], data[:, -1].astype(int)
scores = []
for seed in job["seeds"]:
    for test in job["folds"]:
        mask = np.zeros(len(y), dtype=bool)
        mask[test] = True
        forest = RandomForestClassifier(n_estimators=job["trees"], max_features="sqrt", random_state=seed, n_jobs=1)
        forest.fit(x[~mask], y[~mask])
        scores.append(float((forest.predict(x[mask]) == y[mask]).mean()))
print(json.dumps({"accuracy": float(np.mean(scores))}))
