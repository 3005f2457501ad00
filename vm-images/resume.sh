# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # boots, WORK, INITRAMFS: run-vm.sh's
#
# Sourced by run-vm.sh: when the guest's kernel crashes during siovh's run
# (a kernel bug report on the console and no results: oops=panic makes an
# oops end the VM), the clauses left run in a fresh VM.
#
#   resume_wanted N    0 when boot N crashed that way, siovh had started,
#                      clauses are left and fewer than VM_RESUMES (default
#                      3) resumes were made; writes $WORK/left.<N+1>
#   resume_prepare N   $WORK/initrd.<N+1>: INITRAMFS with a second cpio
#                      archive appended (the kernel unpacks both) holding
#                      /etc/siovh/exclude, the clauses done; init.sh runs
#                      siovh with --exclude and --jobs 1
#   resume_merge OUT   after the last boot: OUT/results.json gets the
#                      results the crashed boots printed on their consoles
#                      (status, duration, skip reason, failure messages),
#                      each with a note saying so, and a failing result for
#                      each clause a crash interrupted; OUT/results.ktap is
#                      written again from it (junit.xml stays the last
#                      boot's)
#   resume_results     the VM results (add ...) for vm.ktap
#
# The clause a crash interrupted is known from the second crash on: resumed
# boots run one check at a time, so it is the first clause left without a
# result (boot 1 runs --jobs N: its crash only tells what was done). The
# list and order of the clauses is SIOVH_CATALOG (`siovh list --format
# json`, with the run's --filter): without it there is no resume.

VM_RESUMES=${VM_RESUMES:-3}
: >"$WORK/done.tsv"
: >"$WORK/crashed.tsv"

# The catalog's clause IDs, in its (the runner's) order.
resume_catalog_ids() {
	jq -r '.clauses[].id' "$SIOVH_CATALOG"
}

# Boot N's results from its console: "N<TAB>status<TAB>id<TAB>ms<TAB>skip
# reason<TAB>messages (\x1f-separated)" per result line of siovh's progress.
resume_parse() {
	awk -v boot="$1" '
	function flush() {
		if (id != "")
			print boot "\t" st "\t" id "\t" ms "\t" rs "\t" msgs
		id = ""
	}
	{ gsub(/\t|\r/, " ") }
	/^\[ *[0-9]+\/[0-9]+\] (ok  |FAIL|SKIP) [^ ]+ \(/ {
		flush()
		line = $0
		sub(/^\[ *[0-9]+\/[0-9]+\] /, "", line)
		st = substr(line, 1, 4)
		line = substr(line, 6)
		id = line
		sub(/ .*/, "", id)
		rest = substr(line, length(id) + 2)
		ms = rest
		sub(/^\(/, "", ms)
		sub(/ ms\).*/, "", ms)
		rs = ""
		if (index(rest, "): "))
			rs = substr(rest, index(rest, "): ") + 3)
		msgs = ""
		next
	}
	id != "" && /^        / {
		msgs = msgs (msgs == "" ? "" : "\037") substr($0, 9)
		next
	}
	{ flush() }
	END { flush() }' "$WORK/console.$1"
}

resume_wanted() {
	local n=$1 d
	[ "$((n - 1))" -lt "$VM_RESUMES" ] || return 1
	[ -n "${SIOVH_CATALOG:-}" ] && [ -r "$SIOVH_CATALOG" ] || return 1
	grep -q '^SIOVH-RESULTS-END' "$WORK/results.$n" && return 1
	grep -qE '^\[ *[0-9]+\.[0-9]+\] .*(Oops|BUG:|Kernel panic)' "$WORK/console.$n" || return 1
	grep -q '^SIOVH-VM: siovh run ' "$WORK/console.$n" || return 1
	resume_parse "$n" >>"$WORK/done.tsv"
	# resumed boots run one check at a time: the first clause left without
	# a result is the one the crash interrupted
	if [ "$n" -gt 1 ]; then
		d=$(cut -f3 "$WORK/done.tsv" | grep -vxF -f - "$WORK/left.$n" | head -n1 || true)
		[ -n "$d" ] && printf '%s\t%s\n' "$n" "$d" >>"$WORK/crashed.tsv"
	fi
	{ cut -f3 "$WORK/done.tsv"; cut -f2 "$WORK/crashed.tsv"; echo "-"; } >"$WORK/finished"
	resume_catalog_ids | grep -vxF -f "$WORK/finished" >"$WORK/left.$((n + 1))" || true
	[ -s "$WORK/left.$((n + 1))" ]
}

resume_prepare() {
	local next=$(($1 + 1)) x=$WORK/extra.$(($1 + 1))
	mkdir -p "$x/etc/siovh"
	resume_catalog_ids | grep -vxF -f "$WORK/left.$next" >"$x/etc/siovh/exclude" || true
	cp "$INITRAMFS" "$WORK/initrd.$next"
	(cd "$x" && find etc | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >>"$WORK/initrd.$next"
}

resume_merge() {
	local out=$1
	[ "$boots" -gt 1 ] && [ -f "$out/results.json" ] || return 0
	jq --slurpfile cat "$SIOVH_CATALOG" --rawfile donerows "$WORK/done.tsv" \
		--rawfile crashed "$WORK/crashed.tsv" --argjson boots "$boots" '
		($cat[0].clauses) as $c
		| ([$c | to_entries[] | {key: .value.id, value: .key}] | from_entries) as $pos
		| ($c | map({key: .id, value: .}) | from_entries) as $byid
		| def st: {"ok  ": "pass", "FAIL": "fail", "SKIP": "skip"}[.];
		  def rows(s): s | split("\n") | map(select(length > 0) | split("\t"));
		  def res(id; status; ms; msgs; note; skip): {id: id, status: status,
			duration_ms: ms, messages: msgs, messages_dropped: 0, notes: [note],
			reason: (if status == "fail" and skip == null and (msgs | length) == 0
				 then "kernel crash" else null end),
			skip_reason: skip, output: "", output_dropped: 0, signal: 0,
			exit_status: (if status == "fail" then 1 else 0 end), timed_out: false};
		  ((rows($donerows) | map(res(.[2]; (.[1] | st); (.[3] | tonumber? // 0);
			(if (.[5] // "") == "" then [] else .[5] | split("\u001f") end);
			"ran in VM boot \(.[0]) of \($boots), whose kernel crashed later; result read from that boot'"'"'s console";
			(if (.[1] | st) == "skip" then .[4] else null end))))
		  + (rows($crashed) | map(res(.[1]; "fail"; 0;
			["the guest kernel crashed while this clause ran (VM boot \(.[0]), one check at a time; see the console excerpt of console-clean in vm.ktap)"];
			"its boot crashed; the clauses after it ran in a fresh VM"; null)))) as $added
		| ($added | map(.id)) as $ids
		| .results = ([.results[] | select(.id as $i | $ids | index($i) | not)] + $added
			     | sort_by($pos[.id] // 1e9))
		| .clauses = ([.clauses[] | select(.id as $i | $ids | index($i) | not)]
			     + [$ids[] | $byid[.] | select(. != null)]
			     | sort_by($pos[.id] // 1e9))
		| .summary = {total: (.results | length),
			      passed: ([.results[] | select(.status == "pass")] | length),
			      failed: ([.results[] | select(.status == "fail")] | length),
			      skipped: ([.results[] | select(.status == "skip")] | length)}
		' "$out/results.json" >"$WORK/merged.json" || return 1
	mv "$WORK/merged.json" "$out/results.json"
	# results.ktap again, from the merged results
	jq -r '
		(.clauses | map({key: .id, value: .title}) | from_entries) as $t
		| "KTAP version 1", "1..\(.results | length)",
		  "# siovh: target \(.target.spec // "kernel"), results of \(.results | length) clauses over several VM boots (kernel crash)",
		  (.results | to_entries[] | .key as $k | .value
		   | (if .status == "fail" then (.messages[] | "# " + .) else empty end),
		     "\(if .status == "fail" then "not ok" else "ok" end) \($k + 1) \(.id) \($t[.id] // "")"
		     + (if .status == "skip" then " # SKIP \(.skip_reason // "")" else "" end))
		' "$out/results.json" >"$out/results.ktap"
}

resume_results() {
	local i crashed left
	[ "$boots" -gt 1 ] || return 0
	for ((i = 2; i <= boots; i++)); do
		crashed=$(awk -F'\t' -v b="$((i - 1))" '$1 == b { print $2 }' "$WORK/crashed.tsv")
		left=$(wc -l <"$WORK/left.$i")
		if [ "$i" = "$boots" ] && ! grep -q '^SIOVH-RESULTS-END' "$WORK/results.$i"; then
			tail -n 40 "$WORK/console.$i" >"$WORK/console.$i.tail"
			add "not ok" "resume-$i" "boot $((i - 1)) crashed${crashed:+ in $crashed}; boot $i (a fresh VM, $left clauses left) did not finish either (VM_RESUMES=$VM_RESUMES)" \
				"$WORK/console.$i.tail"
		else
			add ok "resume-$i" "boot $((i - 1)) crashed${crashed:+ in $crashed}; boot $i ran the $left clauses left in a fresh VM"
		fi
	done
}
