#!/usr/bin/env bash
# The independent models of tests/models (Python, standard library only, written from the spec)
# recompute what the suite pins, so the claim "computed independently" can be checked:
#  - the model agrees with the golden cases it covers (X07's own fixtures among them), which is
#    what makes it a credible oracle;
#  - it recomputes examples/expected/*.doc.hex (examples_test.cpp compares sluice with those);
#  - it recomputes tests/differential/expected.json (differential_test.cpp compares both backends'
#    x07-function docs with those).
set -euo pipefail
src=${2:?source dir}
model="$src/tests/models/pipes_model.py"
python3 "$model" cases "$src"
python3 "$model" examples "$src"
python3 "$model" differential "$src"
echo "models OK"
