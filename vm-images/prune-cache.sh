#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Prune the VM cache: build-kernel.sh's kernels, build-qemu.sh's QEMUs and
# the unpacked kernel sources:
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

[ -d "$CACHE/kernels" ] || exit 0
declare -A seen=()
# newest first: "done" mtime (seconds), then the entry
while read -r _ dir; do
	name=${dir##*/}
	name=${name%-*}
	seen[$name]=$(( ${seen[$name]:-0} + 1 ))
	if [ "${seen[$name]}" -gt "$KEEP" ] && ! busy "$dir"; then
		remove "$dir"
	fi
done < <(for d in "$CACHE"/kernels/*-*/; do
		[ -f "$d/done" ] && echo "$(stat -c %Y "$d/done") ${d%/}"
	 done | sort -rn)

for d in "$CACHE"/kernels/*-*/; do
	d=${d%/}
	[ -d "$d" ] && [ ! -f "$d/done" ] || continue
	[ -n "$(find "$d" -maxdepth 0 -mmin +1440)" ] && ! busy "$d" && remove "$d"
done

# QEMU builds (vm-images/qemu/build-qemu.sh): the KEEP newest complete
# entries stay (each device-core change makes one); an incomplete one goes
# once it is a day old.
if [ -d "$CACHE/qemu" ]; then
	n=0
	while read -r _ dir; do
		n=$((n + 1))
		if [ "$n" -gt "$KEEP" ] && ! busy "$dir"; then
			remove "$dir"
		fi
	done < <(for d in "$CACHE"/qemu/*-*/; do
			[ -f "$d/done" ] && echo "$(stat -c %Y "$d/done") ${d%/}"
		 done | sort -rn)
	for d in "$CACHE"/qemu/*-*/; do
		d=${d%/}
		[ -d "$d" ] && [ ! -f "$d/done" ] || continue
		if [ -n "$(find "$d" -maxdepth 0 -mmin +1440)" ] && ! busy "$d"; then
			remove "$d"
		fi
	done
fi

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
