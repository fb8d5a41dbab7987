"""Reference fit of the synthetic penguin generator, computed with pandas and numpy.

Reads the bundled tidy data, keeps penguins with all four measurements, and writes per
species: the count, the mean vector and the covariance matrix (ddof 1) of
bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, the island shares and the
sex shares (missing sex excluded).

Run from the package root:
    python Tests/PenguinsCoreTests/Fixtures/make_synthetic_fit.py
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]

data = pd.read_csv(ROOT / "Sources/PenguinsCore/Resources/penguins.csv")
complete = data.dropna(subset=FEATURES)
species = {}
for name, group in complete.groupby("species"):
    values = group[FEATURES].to_numpy(dtype=float)
    species[name] = {
        "count": int(len(group)),
        "mean": values.mean(axis=0).tolist(),
        "covariance": np.cov(values, rowvar=False, ddof=1).tolist(),
        "islands": group["island"].value_counts(normalize=True).to_dict(),
        "sexes": group["sex"].dropna().value_counts(normalize=True).to_dict(),
    }
fixture = {"features": FEATURES, "complete_count": int(len(complete)), "species": species}
(Path(__file__).parent / "synthetic_fit.json").write_text(json.dumps(fixture, indent=2, sort_keys=True) + "\n")
