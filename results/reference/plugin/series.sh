#!/usr/bin/env bash
# Issue 26's numbers: 20 runs of a test module asserting compute/nogil releases and scales,
# 20 asserting the same of compute/gil, and 5 of each beside one busy loop per core.
set -u
cd /tmp/plugin-series
PY=/work/main/.venv/bin/python
for v in nogil gil; do
cat > test_$v.py <<PYEOF
from pylab.kernels._ext import compute

def test_released(gil):
    gil.assert_released(compute.hash_sum_$v, 0, 2_000_000)

def test_scales(gil):
    gil.assert_scales(compute.hash_sum_$v, 0, 2_000_000)
PYEOF
done
series() {  # label, test file, runs
  for i in $(seq 1 "$3"); do
    start=$(date +%s.%N)
    $PY -m pytest -q -rA -p no:cacheprovider "$2" --gil-json "out/$1-$i.json" > "out/$1-$i.txt" 2>&1
    end=$(date +%s.%N)
    echo "$1 $i $(tail -1 "out/$1-$i.txt") $(python3 -c "print(round($end-$start,1))") s"
  done
}
mkdir -p out
series nogil test_nogil.py 20
series gil test_gil.py 20
SPIN='import time
end = time.time() + 600
while time.time() < end: pass'
for c in $(seq 1 $(nproc)); do python3 -c "$SPIN" & done
sleep 2
series busy-nogil test_nogil.py 5
series busy-gil test_gil.py 5
kill $(jobs -p) 2>/dev/null
