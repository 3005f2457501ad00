#!/bin/sh
# SPDX-License-Identifier: MIT
#
# In the guest (busybox sh), for vm-images/kernel-seeds.sh, as the program
# of init.sh's fuzz mode: kernel-seeds-guest.sh PROGRAM [CORPUS_DIR]
# (init.sh appends the fuzz mode's corpus directory, unused here). Each file
# of /opt/fuzz/files runs alone (PROGRAM -runs=0 FILE, SIOVH_FUZZ_TARGET=
# kernel from init.sh) with SIOVH_FUZZ_KCOV_PCS=/out/pcs/NAME: the distinct
# kernel PCs it reached (fuzz/common/kcov.h). A file whose run fails is
# listed in /out/failed ("NAME STATUS") and its PCs dropped. Exit 0.
prog=$1
mkdir -p /out/pcs
: >/out/failed
n=0
for f in /opt/fuzz/files/*; do
	[ -f "$f" ] || continue
	name=${f##*/}
	SIOVH_FUZZ_KCOV_PCS=/out/pcs/$name "$prog" -runs=0 -timeout=25 "$f" \
		>/tmp/one.log 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "$name $rc" >>/out/failed
		rm -f "/out/pcs/$name"
		tail -n 20 /tmp/one.log >"/out/failed-$name.log"
	fi
	n=$((n + 1))
	[ $((n % 100)) = 0 ] && echo "kernel-seeds-guest: $n files"
done
echo "kernel-seeds-guest: $n files, $(wc -l </out/failed) failed"
exit 0
