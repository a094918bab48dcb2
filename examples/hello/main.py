"""An example job: reads its input, prints as it goes, leaves a table and a plot as artifacts.

Run it with the README's commands, or: npx job-runner run examples/hello/main.py \
    --input examples/hello/data.csv --out out
"""
import os
import time

import matplotlib.pyplot as plt
import pandas as pd

inputs = os.environ["JOB_INPUT_DIR"]  # /workspace/input: the input files
outputs = os.environ["JOB_OUTPUT_DIR"]  # /workspace/output: what becomes artifacts

df = pd.read_csv(os.path.join(inputs, "data.csv"))
print(f"read {len(df)} rows of {', '.join(df.columns)}", flush=True)
time.sleep(1)  # so the live stream has something to show

summary = df.groupby("city")["temperature"].agg(["mean", "min", "max"]).round(1)
print(summary.to_string(), flush=True)
summary.to_csv(os.path.join(outputs, "summary.csv"))

ax = summary["mean"].plot.bar(title="平均気温 · mean temperature")
ax.set_ylabel("°C")
plt.tight_layout()
plt.savefig(os.path.join(outputs, "plot.png"))
print("wrote summary.csv and plot.png")
