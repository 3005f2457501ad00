#!/bin/sh
# SPDX-License-Identifier: MIT
#
# embed.sh IN OUT SYMBOL: write a C file defining SYMBOL (the bytes of IN,
# NUL-terminated) and SYMBOL_len (without the NUL), so that a fuzz target
# carries a data file with it (the OSS-Fuzz runtime has no source tree).
set -eu
in=$1 out=$2 sym=$3
tmp=$out.tmp
{
	echo "/* Generated from $in by fuzz/common/embed.sh: do not edit. */"
	echo "#include <stddef.h>"
	echo "extern const char ${sym}[];"
	echo "extern const size_t ${sym}_len;"
	echo "const char ${sym}[] = {"
	od -An -v -tx1 "$in" | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
	echo "0 };"
	echo "const size_t ${sym}_len = sizeof(${sym}) - 1;"
} >"$tmp"
mv "$tmp" "$out"
