# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # tier_start, RUNS, BOOTS are vm-check.sh's
#
# The VM tier's timings, sourced by vm-check.sh (its globals: LOGS, TAP,
# RUNS, BOOTS, tier_start): the empty-init baseline boots, the per-category
# step totals and reports/vm/bench.json.

# empty_boot KERNEL_DIR INITRD PROFILE QEMU RUN_DIR NAME: the same kernel,
# image and profile booted with an empty init (run-vm.sh VM_MODE=empty),
# the baseline of the run's boot-to-first-result and of the tier's wall
# time; its vm.json lands in RUN_DIR/empty-boot.json. One result.
empty_boot() {
	local out=$LOGS/empty-$6
	BOOTS=$((BOOTS + 1))
	if QEMU=$4 VM_MODE=empty vm-images/run-vm.sh "$3" "$1" "$2" "$out" >"$out.log" 2>&1 &&
	   cp "$out/vm.json" "$5/empty-boot.json"; then
		printf 'ok 0 %s: empty-init boot %s s wall, init after %s s (this run: first result after %s s)\n' \
			"$6" "$(jq -r .wall_s "$out/vm.json")" "$(jq -r .boot_to_init_s "$out/vm.json")" \
			"$(jq -r .boot_to_first_result_s "$5/vm.json")" >>"$TAP"
	else
		kernel_fail "$6" "the empty-init boot failed" "$out.log"
	fi
}

# step_totals: the steps' seconds summed per category, one line
# ("build 12.3 s, boot 150.2 s, ..."), in order of first appearance.
step_totals() {
	awk -F'\t' '{ c = $2; sub(/:.*/, "", c); if (!(c in t)) o[++n] = c; t[c] += $4 }
		END { for (i = 1; i <= n; i++) printf "%s%s %.1f s", (i > 1 ? ", " : ""), o[i], t[o[i]] }' \
		"$LOGS/steps.tsv"
}

# vm_bench FILE: the tier's timings next to the empty-init boots of the
# same kernels and profiles, measured in this run (schema siovh-vm-bench/1;
# "steps" and "step_totals" are additions: every step's time, steps.tsv).
vm_bench() {
	local d tier
	tier=$(since "$tier_start")
	for d in "${RUNS[@]}"; do
		[ -f "$d/empty-boot.json" ] || continue
		jq -c --slurpfile e "$d/empty-boot.json" --arg run "${d##*/}" \
			'{run: $run, kernel, profile, wall_s, boot_to_init_s, boot_to_first_result_s,
			  empty_init: ($e[0] | {wall_s, boot_to_init_s})}' "$d/vm.json"
	done | jq -s --argjson tier "$tier" --argjson boots "$BOOTS" \
		--slurpfile steps <(jq -R -s 'split("\n") | map(select(length > 0) | split("\t") |
			{kernel: .[0], step: .[1], start_s: (.[2] | tonumber), s: (.[3] | tonumber)})' \
			"$LOGS/steps.tsv") \
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg host "$(uname -n)" \
		--arg git "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" '
		{schema: "siovh-vm-bench/1",
		 run: {date: $date, host: $host, git_revision: $git},
		 vm_check_wall_s: $tier, boots: $boots,
		 empty_init_boots_s: (if length > 0 then
			((map(.empty_init.wall_s) | add / length) * $boots * 10 | round / 10) else null end),
		 runs: .,
		 steps: $steps[0],
		 step_totals: ($steps[0] | group_by(.step | sub(":.*"; "")) |
			map({key: (.[0].step | sub(":.*"; "")), value: (map(.s) | add * 10 | round / 10)}) |
			from_entries)}' >"$1.tmp" && mv "$1.tmp" "$1"
}
