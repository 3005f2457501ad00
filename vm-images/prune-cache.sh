#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Prune the VM cache: build-kernel.sh's kernels, build-qemu.sh's QEMUs and
# their kept build trees, and the unpacked kernel sources:
#
#   vm-images/prune-cache.sh [--dry-run] [KEEP]
#
# Per kernel name (the entry's name before its key: 6.12, 7.3, ...) the KEEP
# newest complete entries stay (default $VM_CACHE_KEEP, else 3; newest by
# their "done" stamp); older ones go, unless a build holds their lock. An
# entry without "done" (a build interrupted) goes once it is a day old.
# Then unpacked sources (src/) no remaining entry was built from go, unless
# they are the newest of their package. Prints what it removes ("rm DIR");
# --dry-run only prints. Exit 0, or 2 on bad usage.
set -euo pipefail

CACHE=${SIOVH_CACHE:-/var/cache/siovh}
DRY=0
if [ "${1:-}" = --dry-run ]; then
	DRY=1
	shift
fi
KEEP=${1:-${VM_CACHE_KEEP:-3}}
case $KEEP in
''|*[!0-9]*|0) echo "prune-cache.sh: KEEP must be a positive integer, not '$KEEP'" >&2; exit 2 ;;
esac

remove() {
	echo "rm $1"
	[ "$DRY" = 1 ] || rm -rf "$1"
}

# An entry some build is using (build-kernel.sh holds its .lock).
busy() {
	[ -f "$1/.lock" ] || return 1
	! flock -n "$1/.lock" true
}

# prune_entries DIR [N]: DIR's entries are NAME-KEY directories (a kernel
# name such as 6.12, or a QEMU source version); per NAME the N (default
# KEEP) newest complete ones stay (newest by their "done" stamp), older
# ones go, and an entry without "done" (a build interrupted) goes once it
# is a day old; never one a build holds locked.
prune_entries() {
	local root=$1 keep=${2:-$KEEP} name dir d
	local -A seen=()
	[ -d "$root" ] || return 0
	while read -r _ dir; do
		name=${dir##*/}
		name=${name%-*}
		seen[$name]=$(( ${seen[$name]:-0} + 1 ))
		if [ "${seen[$name]}" -gt "$keep" ] && ! busy "$dir"; then
			remove "$dir"
		fi
	done < <(for d in "$root"/*-*/; do
			[ -f "$d/done" ] && echo "$(stat -c %Y "$d/done") ${d%/}"
		 done | sort -rn)
	for d in "$root"/*-*/; do
		d=${d%/}
		[ -d "$d" ] && [ ! -f "$d/done" ] || continue
		if [ -n "$(find "$d" -maxdepth 0 -mmin +1440)" ] && ! busy "$d"; then
			remove "$d"
		fi
	done
}

# Kernels (build-kernel.sh) and QEMU builds (qemu/build-qemu.sh: each
# device-core change makes one).
prune_entries "$CACHE/kernels"
prune_entries "$CACHE/qemu"
# QEMU's kept build trees (about 1 GiB each; "done" is their last use): one
# per source version is enough, a new script makes a new one.
prune_entries "$CACHE/qemu-tree" 1

# Sources: keep those a remaining entry names (its key's first line is
# "pkg:PACKAGE:VERSION") and the newest unpacked version of each package.
[ -d "$CACHE/src" ] || exit 0
declare -A used=() newest=()
for k in "$CACHE"/kernels/*-*/key; do
	[ -f "$k" ] || continue
	IFS=: read -r kind pkg ver <"$k" || continue
	[ "$kind" = pkg ] && used["$pkg-$ver"]=1
done
for d in "$CACHE"/src/*/; do
	d=${d%/}
	base=${d##*/}
	[ -f "$d/.siovh-unpacked" ] || continue
	pkg=$(sed -E 's/^(linux-source-[0-9]+\.[0-9]+)-.*/\1/' <<<"$base")
	if [ -z "${newest[$pkg]:-}" ] ||
	   [ "$(printf '%s\n%s\n' "${newest[$pkg]}" "$base" | sort -V | tail -n1)" = "$base" ]; then
		newest[$pkg]=$base
	fi
done
for d in "$CACHE"/src/*/; do
	d=${d%/}
	base=${d##*/}
	[ -f "$d/.siovh-unpacked" ] || continue
	pkg=$(sed -E 's/^(linux-source-[0-9]+\.[0-9]+)-.*/\1/' <<<"$base")
	[ -n "${used[$base]:-}" ] || [ "${newest[$pkg]}" = "$base" ] || remove "$d"
done
