#!/usr/bin/env bash
# Submit one RedPajama slice to a Slurm cluster and follow it. Usage:
#   scripts/slurm_example.sh SOURCE OUT_DIR TASKS [extra `rpdata slurm submit` flags]
# e.g. scripts/slurm_example.sh c4 /scratch/rp 64 --partition cpu --time 4:00:00 --mem 4G
# It estimates the run first (rpdata plan), submits the arrays (one per stage for recipes
# with a cross-unit dedup, chained with afterok), and prints how to watch and resubmit.
set -euo pipefail
source_name="${1:?usage: slurm_example.sh SOURCE OUT_DIR TASKS [flags]}"
out="${2:?usage}"; tasks="${3:?usage}"; shift 3
rpdata="${RPDATA:-$(cd "$(dirname "$0")/.." && pwd)/build/rpdata}"
"$rpdata" plan "$source_name" --tasks "$tasks" || echo "(no estimate: run a sample and use rpdata plan --from)"
"$rpdata" slurm submit "$source_name" --out "$out" --tasks "$tasks" "$@"
cat <<MSG
Watch:     $rpdata status $out          (stages, queued array jobs, logs of failed tasks)
Resubmit:  $rpdata slurm resubmit $out  (only what has not finished)
Logs:      $out/_slurm/logs/
MSG
