#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The driver claim of `siovh run --target kernel:device=BDF,vfio=cdev`
# (kernel_vfio_pci.h) against a fake sysfs ($SIOVH_SYSFS_ROOT) whose control
# files (driver_override, drivers_probe, drivers/*/bind|unbind) are FIFOs
# served by a small "kernel" in this script: each write acts like the
# kernel's (unbind drops the driver link, bind and a probe with an override
# set it) and is journalled. The servers run in parallel, so the journal
# holds what was written but not in siovh's order (a real sysfs write is
# synchronous, these are not): the order is checked on siovh's own log of
# its writes, printed before each, and the journal must hold the same set.
# Checked: a function bound to another
# driver is refused without --force, the message naming the driver, and
# nothing is written; --force unbinds it, binds vfio-pci, and the end of the
# run undoes both in order (the original driver bound back); an unbound
# function is left unbound again; one bound to vfio-pci is used as it is;
# --dry-run lists the writes and makes none; a bad or missing BDF is exit 2.
#
#   kernel_vfio_pci_test.sh PATH/TO/siovh     (TAP on stdout)
set -u

siovh=${1:?usage: kernel_vfio_pci_test.sh PATH/TO/siovh}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-kvpci-test.XXXXXX") || exit 1
pids=() fifos=()
cleanup() {
	local f
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	# a killed server's cat still waits on its FIFO: one last writer ends it
	for f in "${fifos[@]}"; do
		[ -p "$f" ] && timeout 2 sh -c ': >"$1"' sh "$f"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/tap.sh"

bdf=0000:00:03.0
profile=$(cd "$(dirname "$0")/../../.." && pwd)/specs/profiles/edu.json
sys=$tmp/sys
pci=$sys/bus/pci
dev=$pci/devices/$bdf
journal=$tmp/journal
override=$tmp/override		# the function's driver_override, as set

# serve FIFO ACTION: every write to FIFO is journalled ("NAME VALUE", NAME
# relative to bus/pci) and then handled by ACTION VALUE.
serve() {
	local fifo=$1 action=$2 v
	mkfifo "$fifo"
	fifos+=("$fifo")
	(
		while :; do
			v=$(cat "$fifo")
			"$action" "$v"
			echo "${fifo#"$pci"/} $v" >>"$journal"
		done
	) </dev/null >/dev/null 2>&1 &
	pids+=($!)
}

# The actions commute where the servers may reorder them: an unbind drops
# the link only if it is still that driver's.
# (under one lock, so that the check-then-act is atomic)
bind_to() {
	{ flock 9 && ln -sfn "../../drivers/$1" "$dev/driver"; } 9>"$tmp/kernel.lock"
}
unbind_from() {
	{ flock 9 && [ "$2" = "$bdf" ] && [ "$(driver)" = "$1" ] &&
		rm -f "$dev/driver"; } 9>"$tmp/kernel.lock"
}
do_unbind_e1000() { unbind_from e1000e "$1"; }
do_unbind_vfio() { unbind_from vfio-pci "$1"; }
do_override() { printf '%s' "$1" >"$override"; }
do_probe() {
	local i
	# the override's server may not have stored it yet
	for i in $(seq 50); do
		[ -s "$override" ] && break
		sleep 0.02
	done
	[ "$1" = "$bdf" ] && [ -s "$override" ] && bind_to "$(cat "$override")"
}
do_bind_e1000() { [ "$1" = "$bdf" ] && bind_to e1000e; }
driver() { basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null; }

mkdir -p "$dev" "$pci/drivers/e1000e" "$pci/drivers/vfio-pci"
: >"$dev/config"
: >"$override"
: >"$journal"
serve "$dev/driver_override" do_override
serve "$pci/drivers_probe" do_probe
serve "$pci/drivers/e1000e/unbind" do_unbind_e1000
serve "$pci/drivers/e1000e/bind" do_bind_e1000
serve "$pci/drivers/vfio-pci/unbind" do_unbind_vfio
# vfio-pci's bind is never written by siovh: a plain file shows it if so
: >"$pci/drivers/vfio-pci/bind"

# run_siovh ARGS...: one siovh run of VDCM.TYPE.1 (it lists the types and
# opens nothing, so a fake sysfs is enough) on the function.
run_siovh() {
	SIOVH_SYSFS_ROOT=$sys SIOVH_STATE_DIR=$tmp SIOVH_PROFILE=$profile "$siovh" run \
		--target "kernel:device=$bdf,vfio=cdev" --filter VDCM.TYPE.1 \
		--jobs 1 "$@" >"$tmp/out" 2>"$tmp/err"
}

# journal_is LINE...: siovh's log of its writes ("NAME VALUE", NAME
# relative to bus/pci) is exactly LINE..., in this order, and the journal
# of the fake kernel holds the same writes (servers finish a little after
# the writer: wait briefly for them).
journal_is() {
	local want got i
	want=$(printf '%s\n' "$@")
	[ $# -eq 0 ] && want=""
	got=$(sed -n "s|^siovh: writing '\(.*\)' to $pci/\(.*\)|\2 \1|p" "$tmp/out" |
		sed 's/ \\n$/ /')
	if [ "$got" != "$want" ]; then
		printf '# siovh wrote:\n' && grep "^siovh: writing" "$tmp/out" | sed 's/^/#   /'
		return 1
	fi
	for i in $(seq 100); do
		[ "$(sort "$journal")" = "$(sort <<<"$want" | sed '/^$/d')" ] && return 0
		sleep 0.02
	done
	printf '# journal:\n' && sed 's/^/#   /' "$journal"
	return 1
}

# 1. Bound to e1000e, no --force: refused, exit 2, nothing written.
bind_to e1000e
run_siovh
rc=$?
[ $rc -eq 2 ] && grep -q "bound to the driver 'e1000e'" "$tmp/err" &&
	grep -q -- "--force" "$tmp/err"
ok $? "bound to e1000e without --force: refused, exit $rc: $(head -n1 "$tmp/err")" ||
	sed 's/^/# /' "$tmp/out" "$tmp/err"
sleep 0.1
journal_is && [ "$(driver)" = e1000e ]
ok $? "  ... and nothing written, still bound to e1000e"

# 2. --dry-run lists the five writes of a forced claim, makes none.
run_siovh --force --dry-run
rc=$?
[ $rc -eq 0 ] &&
	[ "$(grep -c "^siovh: would write" "$tmp/out")" -eq 6 ] &&
	grep -q "would write '$bdf' to $pci/drivers/e1000e/unbind" "$tmp/out" &&
	grep -q "would write 'vfio-pci' to $dev/driver_override" "$tmp/out" &&
	grep -q "would write '$bdf' to $pci/drivers/e1000e/bind" "$tmp/out" &&
	grep -q "no clause run" "$tmp/out" && ! grep -q "passed" "$tmp/out"
ok $? "--force --dry-run: exit $rc, lists unbind, override, probe, and the restore" ||
	sed 's/^/# /' "$tmp/out" "$tmp/err"
sleep 0.1
journal_is && [ "$(driver)" = e1000e ]
ok $? "  ... and writes nothing"

# 3. --force: unbind e1000e, override, probe; the run; then vfio-pci's
#    unbind, the override cleared, e1000e's bind.
run_siovh --force
rc=$?
[ $rc -eq 0 ] && grep -q "1 passed, 0 failed" "$tmp/out"
ok $? "--force: the run passes (exit $rc)" || sed 's/^/# /' "$tmp/out" "$tmp/err"
journal_is "drivers/e1000e/unbind $bdf" \
	"devices/$bdf/driver_override vfio-pci" \
	"drivers_probe $bdf" \
	"drivers/vfio-pci/unbind $bdf" \
	"devices/$bdf/driver_override " \
	"drivers/e1000e/bind $bdf"
ok $? "--force: unbind, override, probe, then vfio-pci unbind, override cleared, e1000e bound back, in that order"
[ "$(driver)" = e1000e ] && [ ! -s "$override" ] && [ ! -s "$pci/drivers/vfio-pci/bind" ]
ok $? "  ... and the function is e1000e's again, no override left" ||
	echo "# driver '$(driver)', override '$(cat "$override")'"

# 4. Unbound: bound to vfio-pci for the run, left unbound after.
rm -f "$dev/driver"
: >"$journal"
run_siovh
rc=$?
[ $rc -eq 0 ]
ok $? "unbound: the run passes without --force (exit $rc)" || sed 's/^/# /' "$tmp/out" "$tmp/err"
journal_is "devices/$bdf/driver_override vfio-pci" \
	"drivers_probe $bdf" \
	"drivers/vfio-pci/unbind $bdf" \
	"devices/$bdf/driver_override "
ok $? "unbound: override, probe, then unbind and override cleared; nothing else"
[ -z "$(driver)" ]
ok $? "  ... and left unbound, as it was"

# 5. Bound to vfio-pci already: used as it is, nothing written.
bind_to vfio-pci
: >"$journal"
run_siovh
rc=$?
[ $rc -eq 0 ] && grep -q "bound to vfio-pci already" "$tmp/out"
ok $? "bound to vfio-pci: the run passes (exit $rc), saying nothing is touched" ||
	sed 's/^/# /' "$tmp/out" "$tmp/err"
sleep 0.1
journal_is && [ "$(driver)" = vfio-pci ]
ok $? "  ... and nothing written"

# 6. The probe does not bind it (an override vfio-pci cannot take): the
#    claim is undone and the run fails before any clause.
rm -f "$dev/driver"
: >"$journal"
mv "$pci/drivers_probe" "$tmp/probe.fifo"
: >"$pci/drivers_probe"		# a probe that does nothing
run_siovh
rc=$?
[ $rc -eq 2 ] && grep -q "did not bind to vfio-pci" "$tmp/err" && ! grep -q passed "$tmp/out"
ok $? "a probe that binds nothing: exit $rc: $(head -n1 "$tmp/err")" ||
	sed 's/^/# /' "$tmp/out" "$tmp/err"
mv "$tmp/journal" "$tmp/journal.fifos"	# the plain file is not journalled
printf '%s\n' "devices/$bdf/driver_override vfio-pci" "drivers_probe $bdf" \
	"devices/$bdf/driver_override " >"$journal"
journal_is "devices/$bdf/driver_override vfio-pci" "drivers_probe $bdf" \
	"devices/$bdf/driver_override " &&
	[ "$(sort "$tmp/journal.fifos")" = "$(printf '%s\n' "devices/$bdf/driver_override " \
		"devices/$bdf/driver_override vfio-pci" | sort)" ] &&
	[ "$(cat "$pci/drivers_probe")" = "$bdf" ] && [ -z "$(driver)" ]
ok $? "  ... and the override is cleared again, nothing else written"
mv "$tmp/journal.fifos" "$journal"
rm -f "$pci/drivers_probe"
mv "$tmp/probe.fifo" "$pci/drivers_probe"

# 7. Usage errors: exit 2, one line naming the problem, nothing written.
usage() {
	local spec=$1 needle=$2
	shift 2
	SIOVH_SYSFS_ROOT=$sys "$siovh" run --target "$spec" "$@" \
		>"$tmp/out" 2>"$tmp/err"
	[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$needle" "$tmp/err"
	ok $? "$spec $* -> exit 2: $(head -n1 "$tmp/err")" || sed 's/^/# /' "$tmp/err"
}
: >"$journal"
usage "kernel:device=0000:00:03.9,vfio=cdev" "is not a PCI address"
usage "kernel:device=0000:00:04.0,vfio=cdev" "no such PCI device"
usage "kernel:vfio=cdev" "name exactly one of them"
usage "kernel:device=$bdf" "--force applies to --target kernel:device=BDF,vfio=cdev|group only" --force
usage "kernel" "--dry-run applies to" --dry-run
sleep 0.1
journal_is
ok $? "  ... none of them wrote anything"
tap_end
