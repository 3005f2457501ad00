#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build (or reuse) the VM kernel: tinyconfig + the fragments (vm-images/
# config/siovh.config, then <major>.x.config for the source's major version
# when it exists, e.g. 7.x.config), every requested option verified after
# olddefconfig, and the kernel's own uAPI headers (make headers_install) for
# building the harness against it.
#
#   vm-images/build-kernel.sh [--print-key]
#
# Source: KERNEL_SRC=<tree> when given, else the Debian package KERNEL_PKG
# (default linux-source-6.12, from bookworm-security), unpacked once under
# the cache. A KERNEL_PKG ending in ".x" (linux-source-7.x) means the newest
# package of that major version: installed ones (/usr/src) and those that
# harness/scripts/deps.sh --vm fetched from trixie-backports and unpacked in
# $SIOVH_CACHE/debs/<package>_<version>/. Output, printed as the last line
# of stdout, is the cache entry:
#
#   ${SIOVH_CACHE:-/var/cache/siovh}/kernels/<name>-<key>/
#       bzImage  config  release  source (the unpacked tree)
#       headers/include/  build/ (objects, the .gcno files)  build.log  key
#       gcov-dirs (the instrumented directories)
#
# Coverage: the fragment sets CONFIG_GCOV_KERNEL, and only the directories
# of GCOV_DIRS (the iommu and vfio code under test) are instrumented: a
# GCOV_PROFILE on make's command line that is "y" in those directories and
# empty elsewhere (kbuild expands it per directory, $(obj)), so no source
# file of any kernel version is edited and CONFIG_GCOV_PROFILE_ALL (3x
# slower to run) stays off. After the build every one of them must have
# .gcno files and no other directory may; the .gcno files stay in build/
# for the host's lcov capture (vm-images/kernel-coverage.sh).
#
# The key hashes the source version, the fragments, the compiler's version
# and this script without its comment lines (so that documenting it does
# not rebuild every kernel); a complete entry (its "done" stamp) is reused
# as is. One build per entry at a time (flock). Progress goes to stderr.
#
# KERNEL_VARIANT=NAME adds config/NAME.variant.config last and names the
# entry <name>-NAME-<key> (fuzz: KCOV and KASAN, for make fuzz-kernel).
#
# Env: SIOVH_CACHE, KERNEL_SRC, KERNEL_PKG, KERNEL_VARIANT, JOBS (default 2).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${SIOVH_CACHE:-/var/cache/siovh}
KERNEL_PKG=${KERNEL_PKG:-linux-source-6.12}
JOBS=${JOBS:-2}
FRAGMENTS=()
# The directories built with gcov instrumentation (kernel tree relative).
GCOV_DIRS="drivers/iommu drivers/iommu/intel drivers/iommu/iommufd drivers/vfio drivers/vfio/pci drivers/vfio/mdev samples/vfio-mdev"

die() { echo "build-kernel.sh: $*" >&2; exit 1; }
log() { echo "build-kernel.sh: $*" >&2; }

# The source tree and a version string for the key. Sets SRC, SRC_VERSION,
# NAME.
resolve_source() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		[ -f "$KERNEL_SRC/Makefile" ] || die "KERNEL_SRC=$KERNEL_SRC has no Makefile"
		SRC=$(cd "$KERNEL_SRC" && pwd)
		SRC_VERSION="tree:$SRC:$(make -s -C "$SRC" kernelversion 2>/dev/null)"
		if git -C "$SRC" rev-parse HEAD >/dev/null 2>&1; then
			SRC_VERSION="$SRC_VERSION:$(git -C "$SRC" describe --always --dirty)"
		fi
		NAME=$(make -s -C "$SRC" kernelversion)
		return
	fi
	local pkg ver tarball
	read -r pkg ver tarball < <(find_package "$KERNEL_PKG") ||
		die "$KERNEL_PKG is neither installed nor fetched (run harness/scripts/deps.sh --vm)"
	[ -f "$tarball" ] || die "$tarball missing (package $pkg $ver)"
	SRC_VERSION="pkg:$pkg:$ver"
	NAME=${pkg#linux-source-}
	SRC=$CACHE/src/$pkg-$ver
	if [ ! -f "$SRC/.siovh-unpacked" ]; then
		log "unpacking $tarball into $SRC"
		rm -rf "$SRC" "$SRC.tmp"
		mkdir -p "$SRC.tmp"
		tar -xf "$tarball" -C "$SRC.tmp" --strip-components=1 ||
			die "unpacking $tarball failed"
		touch "$SRC.tmp/.siovh-unpacked"
		mv "$SRC.tmp" "$SRC"
	fi
}

# "<package> <version> <tarball>" of KERNEL_PKG: an installed package, or
# one unpacked by deps.sh under $CACHE/debs/; "linux-source-N.x" picks the
# newest linux-source-N.* (package name, then version, by sort -V).
find_package() {
	local want=$1 pat line d
	if [[ $want == *.x ]]; then
		pat="^${want%.x}\\.[0-9]+\$"
	else
		pat="^${want//./\\.}\$"
	fi
	{
		dpkg-query -W -f='${Package} ${Version} ${Status}\n' 'linux-source-*' 2>/dev/null |
			PAT=$pat awk '$1 ~ ENVIRON["PAT"] && / installed$/ {
				print $1, $2, "/usr/src/" $1 ".tar.xz" }'
		for d in "$CACHE"/debs/*_*/; do
			[ -f "$d/.siovh-unpacked" ] || continue
			d=${d%/}
			line=${d##*/}
			[[ ${line%%_*} =~ $pat ]] || continue
			echo "${line%%_*} ${line#*_} $(ls "$d"/root/usr/src/"${line%%_*}".tar.* 2>/dev/null | head -n1)"
		done
	} | sort -V -k1,1 -k2,2 | tail -n1 | grep .
}

# siovh.config, then the major version's own fragment when there is one,
# then the variant's (KERNEL_VARIANT=fuzz: config/fuzz.variant.config).
pick_fragments() {
	local major=${NAME%%.*} variant=${KERNEL_VARIANT:-}
	FRAGMENTS=("$HERE/config/siovh.config")
	[ -f "$HERE/config/$major.x.config" ] && FRAGMENTS+=("$HERE/config/$major.x.config")
	if [ -n "$variant" ]; then
		if ! [[ $variant =~ ^[a-z0-9]+$ ]] || [ ! -f "$HERE/config/$variant.variant.config" ]; then
			die "KERNEL_VARIANT=$variant: no vm-images/config/$variant.variant.config"
		fi
		FRAGMENTS+=("$HERE/config/$variant.variant.config")
		NAME=$NAME-$variant
	fi
	return 0
}

compute_key() {
	{
		echo "$SRC_VERSION"
		cat "${FRAGMENTS[@]}"
		gcc --version | head -n1
		grep -Ev '^[[:space:]]*#' "${BASH_SOURCE[0]}"
	} | sha256sum | cut -c1-16
}

# Every CONFIG_X=V line of the fragments must be in .config as is; every
# "# CONFIG_X is not set" must not be set.
verify_config() {
	local cfg=$1 frag line opt bad=0
	for frag in "${FRAGMENTS[@]}"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				grep -qxF -- "$line" "$cfg" || {
					opt=${line%%=*}
					echo "build-kernel.sh: $opt did not survive olddefconfig:" \
						"asked '$line' in ${frag##*/}, got '$(grep -E "^(# )?${opt}[= ]" "$cfg" || echo unset)'" >&2
					bad=1
				} ;;
			"# CONFIG_"*" is not set")
				opt=${line#\# }
				opt=${opt%% *}
				if grep -qE "^$opt=" "$cfg"; then
					echo "build-kernel.sh: $opt is set but ${frag##*/} asks it unset" >&2
					bad=1
				fi ;;
			esac
		done <"$frag"
	done
	return $bad
}

# Every directory of GCOV_DIRS has .gcno files after the build, and no
# other directory has any; each missing or extra one is named.
verify_gcov() {
	local obj=$1 d bad=0 extra
	for d in $GCOV_DIRS; do
		if ! compgen -G "$obj/$d/*.gcno" >/dev/null; then
			echo "build-kernel.sh: no .gcno in $d: its objects were built without gcov" >&2
			bad=1
		fi
	done
	extra=$(cd "$obj" && find . -name '*.gcno' -printf '%h\n' | sed 's|^\./||' | sort -u |
		grep -vxF -f <(tr ' ' '\n' <<<"$GCOV_DIRS") || true)
	if [ -n "$extra" ]; then
		echo "build-kernel.sh: gcov instrumented directories outside GCOV_DIRS:" $extra >&2
		bad=1
	fi
	return $bad
}

build() {
	local out=$1 obj=$1/build
	local -a mk=(make -C "$SRC" O="$obj" -j"$JOBS")
	# per directory: "y" when kbuild's $(obj) is one of GCOV_DIRS
	local in_dirs="\$(filter ${GCOV_DIRS},\$(obj))"
	local -a inst=("GCOV_PROFILE=\$(if $in_dirs,y)")

	# The objects of an interrupted build of this very key are reused.
	rm -rf "$out/headers" "$out/bzImage" "$out/config"
	mkdir -p "$obj"
	log "configuring (tinyconfig + ${FRAGMENTS[*]##*/}) in $obj"
	"${mk[@]}" tinyconfig >>"$out/build.log" 2>&1 || die "make tinyconfig failed (see $out/build.log)"
	cat "${FRAGMENTS[@]}" >>"$obj/.config"
	"${mk[@]}" olddefconfig >>"$out/build.log" 2>&1 || die "make olddefconfig failed (see $out/build.log)"
	verify_config "$obj/.config" || die "config fragment not satisfied (see above)"
	# The fuzz variant's KCOV and KASAN instrument the same directories
	# only: the fuzzer is steered by their edges, not the whole kernel's,
	# and checking their memory accesses alone keeps a TCG guest fast
	# (both whole-kernel: 44 execs/s against 381 without, make fuzz-kernel
	# on 7.3). Other directories get "n", which also overrides their own
	# KCOV_INSTRUMENT/KASAN_SANITIZE := n, to the same effect.
	grep -qx 'CONFIG_KCOV=y' "$obj/.config" &&
		inst+=("KCOV_INSTRUMENT=\$(if $in_dirs,y,n)")
	grep -qx 'CONFIG_KASAN=y' "$obj/.config" &&
		inst+=("KASAN_SANITIZE=\$(if $in_dirs,y,n)")
	log "building bzImage with make -j$JOBS (log: $out/build.log)"
	"${mk[@]}" "${inst[@]}" bzImage >>"$out/build.log" 2>&1 || {
		tail -n 30 "$out/build.log" >&2
		die "make bzImage failed (see $out/build.log)"
	}
	verify_gcov "$obj" || die "gcov instrumentation not as asked (GCOV_DIRS: $GCOV_DIRS)"
	log "installing uAPI headers into $out/headers"
	"${mk[@]}" headers_install INSTALL_HDR_PATH="$out/headers" >>"$out/build.log" 2>&1 ||
		die "make headers_install failed (see $out/build.log)"
	[ -f "$out/headers/include/linux/iommufd.h" ] ||
		die "$out/headers/include/linux/iommufd.h missing after headers_install"
	cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
	cp "$obj/.config" "$out/config"
	make -s -C "$SRC" O="$obj" kernelrelease >"$out/release" 2>/dev/null ||
		die "make kernelrelease failed"
	echo "$SRC" >"$out/source"
	echo "$GCOV_DIRS" >"$out/gcov-dirs"
}

main() {
	local key out start
	resolve_source
	pick_fragments
	key=$(compute_key)
	if [ "${1:-}" = --print-key ]; then
		echo "$NAME-$key"
		return
	fi
	out=$CACHE/kernels/$NAME-$key
	mkdir -p "$out"
	exec 9>"$out/.lock"
	flock 9 || die "cannot lock $out/.lock"
	if [ -f "$out/done" ]; then
		log "cache hit: $out"
	else
		start=$(date +%s)
		: >"$out/build.log"
		build "$out"
		printf '%s\n' "$SRC_VERSION" "fragments: ${FRAGMENTS[*]##*/}" \
			"$(gcc --version | head -n1)" >"$out/key"
		echo $(( $(date +%s) - start )) >"$out/build-seconds"
		touch "$out/done"
		log "built $out in $(cat "$out/build-seconds") s"
	fi
	echo "$out"
}

main "$@"
