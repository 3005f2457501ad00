#!/bin/bash -eu
# SPDX-License-Identifier: MIT
#
# OSS-Fuzz / ClusterFuzzLite build script: builds every target of fuzz/
# into $OUT/NAME_fuzzer with the engine in $LIB_FUZZING_ENGINE, next to
# NAME_fuzzer.options, NAME_fuzzer.dict and NAME_fuzzer_seed_corpus.zip.
# Honours $CC, $CFLAGS, $LIB_FUZZING_ENGINE, $OUT (and $SRC, $WORK); the
# project's Dockerfile installs libjansson-dev, libxml2-dev, pkg-config,
# zip and a linux-libc-dev with linux/iommufd.h. Runnable by hand too:
#
#   CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh
cd "$(dirname "$0")/.."
: "${CC:=clang}" "${CFLAGS:=}" "${OUT:?set OUT}" "${WORK:=$(mktemp -d)}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
mkdir -p "$OUT" "$WORK/obj"

cppflags="-D_GNU_SOURCE -Iharness/include -I. $(pkg-config --cflags jansson libxml-2.0)"
libs="$(pkg-config --libs jansson libxml-2.0) -pthread"
fuzz/common/embed.sh specs/profiles/ref.json "$WORK/ref_profile.c" fz_ref_profile

lib_src=$(ls harness/core/*.c harness/backends/*.c harness/ref/*/*.c \
	specs/models/*.c | grep -v -e '_test\.c$' -e '^harness/core/main\.c$')
objs=()
for src in $lib_src fuzz/common/fuzz_util.c fuzz/common/ref_cache.c \
	   "$WORK/ref_profile.c"; do
	obj=$WORK/obj/$(echo "$src" | tr / _).o
	$CC $CFLAGS $cppflags -std=c17 -c "$src" -o "$obj"
	objs+=("$obj")
done

for opt in fuzz/*/*.options; do
	name=$(basename "$(dirname "$opt")")
	tobjs=()
	for src in fuzz/"$name"/*.c; do
		obj=$WORK/obj/$(echo "$src" | tr / _).o
		$CC $CFLAGS $cppflags -std=c17 -c "$src" -o "$obj"
		tobjs+=("$obj")
	done
	# The C library objects link with the C++ runtime libFuzzer needs.
	${CXX:-clang++} $CFLAGS "${tobjs[@]}" "${objs[@]}" $LIB_FUZZING_ENGINE \
		$libs -o "$OUT/${name}_fuzzer"
	sed "s/^dict = .*/dict = ${name}_fuzzer.dict/" "$opt" \
		>"$OUT/${name}_fuzzer.options"
	cp fuzz/"$name"/"$name".dict "$OUT/${name}_fuzzer.dict"
	# The seeds and the saved reproducers (regression-NAME, so that no
	# name of one hides one of the other in the flat zip).
	corpus=$(mktemp -d)
	cp fuzz/"$name"/seeds/* "$corpus"/
	for f in fuzz/"$name"/regressions/*; do
		[ -f "$f" ] && cp "$f" "$corpus/regression-${f##*/}"
	done
	rm -f "$OUT/${name}_fuzzer_seed_corpus.zip"
	zip -qj "$OUT/${name}_fuzzer_seed_corpus.zip" "$corpus"/*
	rm -rf "$corpus"
done
