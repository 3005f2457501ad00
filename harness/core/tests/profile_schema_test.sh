#!/bin/bash
# SPDX-License-Identifier: MIT
#
# harness/schema/siovh-profile-1.schema.json against the profile reader
# (harness/core/profile.c), so that the two cannot drift apart: the schema is
# a valid draft 2020-12 schema; the hex-string and integer forms of each of
# its ranges agree; specs/profiles/ref.json and value-preserving rewrites of
# it (every integer as a hex string, and back; optional keys left out) pass
# both; broken profiles (unknown key, wrong type, out of range, bad flag
# name, missing key, array bounds) are refused by both, the reader naming the
# expected JSON path; and the rules the schema's descriptions mark
# "reader:" (cross-field, JSON-level) are refused by the reader while the
# schema, by design, lets them through.
#
# The reader is driven through `siovh run` with SIOVH_PROFILE=FILE on one
# clause that loads the profile: a refused profile fails it with "device
# profile unusable: FILE: PATH: ...". Needs python3's jsonschema (Debian:
# python3-jsonschema); without it everything is skipped with the reason.
#
#   profile_schema_test.sh PATH/TO/siovh          (TAP on stdout)
set -u

siovh=${1:?usage: profile_schema_test.sh PATH/TO/siovh}
top=$(cd "$(dirname "$0")/../../.." && pwd)
schema=$top/harness/schema/siovh-profile-1.schema.json
ref=$top/specs/profiles/ref.json
clause=SIOV.DVSEC.5	# any clause that loads the profile first
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-profile-schema.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "ok 1 profile schema against the reader # SKIP python3 jsonschema not installed (apt-get install python3-jsonschema)"
	echo "1..1"
	exit 0
fi

# Write one profile per case into $tmp and a manifest line per case:
# NAME <tab> EXPECT <tab> SCHEMA-VERDICT <tab> READER-NEEDLE <tab> TITLE
# <tab> the schema's first complaint. EXPECT: accept (both take it), reject
# (both refuse it), reader (only the reader refuses it: a rule the schema
# describes but cannot express). Also one line per self-check of the schema:
# SELF <tab> STATUS <tab> TITLE <tab> detail. An empty field is "-".
python3 - "$schema" "$ref" "$tmp" >"$tmp/manifest" 2>"$tmp/python.err" <<'PY'
import copy, json, sys
import jsonschema

schema_path, ref_path, out = sys.argv[1:4]
schema = json.load(open(schema_path))
ref = json.load(open(ref_path))
V = jsonschema.Draft202012Validator

try:
    V.check_schema(schema)
    print("SELF\t0\tthe schema is a valid draft 2020-12 schema\t-")
except jsonschema.SchemaError as e:
    print("SELF\t1\tthe schema is a valid draft 2020-12 schema\t%s" % e.message)

# Each integer range accepts a value as a JSON integer exactly when it
# accepts it as a hex string (plain, upper case, zero-padded).
probes = set(range(0, 300))
for k in range(65):
    probes |= {2**k - 1, 2**k, 2**k + 1}
for m in (1, 2, 3, 255, 256, 4095, 2**28 - 1, 2**28):
    probes |= {4096 * m - 1, 4096 * m, 4096 * m + 1}
bad = []
for name, d in schema["$defs"].items():
    types = [b.get("type") for b in d.get("anyOf", [])]
    if "integer" not in types:
        continue
    sub = V({"$defs": schema["$defs"], "$ref": "#/$defs/" + name})
    for v in sorted(probes):
        if v >= 2**63:		# not a JSON integer for the reader
            continue
        want = sub.is_valid(v)
        for s in ("0x%x" % v, "0x%X" % v, "0x000%x" % v):
            if sub.is_valid(s) != want:
                bad.append("%s: %d is %s, %s is not" %
                           (name, v, "valid" if want else "invalid", s))
print("SELF\t%d\tevery range of the schema takes the same values as "
      "integers and as hex strings\t%s" % (bool(bad), "; ".join(bad[:4]) or "-"))

DEL = object()

def put(doc, path, value):
    for k in path[:-1]:
        doc = doc[k]
    k = path[-1]
    if value is DEL:
        del doc[k]
    elif isinstance(doc, list) and k == len(doc):
        doc.append(value)
    else:
        doc[k] = value

def ints_to_hex(v, upper=True):
    if isinstance(v, dict):
        return {k: ints_to_hex(x) for k, x in v.items()}
    if isinstance(v, list):
        return [ints_to_hex(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return ("0x%04X" if upper else "0x%x") % v
    return v

def hex_to_ints(v):
    if isinstance(v, dict):
        return {k: hex_to_ints(x) for k, x in v.items()}
    if isinstance(v, list):
        return [hex_to_ints(x) for x in v]
    if isinstance(v, str) and v.startswith("0x"):
        return int(v, 16)
    return v

def many_regs(d, count):
    regs = d["types"][0]["registers"]
    for i in range(count - len(regs)):
        regs["extra%d" % i] = {"region": 0, "offset": 0x800 + 4 * i, "width": 4}

P = ["parent"]
T0 = ["types", 0]
R1 = T0 + ["regions", 1]
REG = T0 + ["registers", "version"]
cases = [
    # EXPECT, READER PATH, TITLE, changes: [(path, value)] or a function
    ("accept", "", "specs/profiles/ref.json", []),
    ("accept", "", "ref.json with every integer a zero-padded upper-case hex string",
     lambda d: ints_to_hex(d)),
    ("accept", "", "ref.json with every hex string a JSON integer",
     lambda d: hex_to_ints(d)),
    ("accept", "", "ref.json without its optional keys",
     [(["description"], DEL), (P + ["dvsec", "system_page_size"], DEL),
      (T0 + ["regions", 0, "name"], DEL), (T0 + ["queues", "default"], DEL),
      (T0 + ["pinning"], DEL)]),
    ("accept", "", "a 64-bit register with reset 0xffffffffffffffff",
     [(REG + ["width"], 8), (REG + ["reset"], "0xffffffffffffffff")]),
    ("accept", "", "32 registers", lambda d: many_regs(d, 32)),
    ("accept", "", "no parent BARs and an empty IRQ list",
     [(P + ["bars"], DEL), (T0 + ["irqs"], [])]),

    ("reject", "$.colour", "an unknown key at the top", [(["colour"], "blue")]),
    ("reject", "$.$schema", "a \"$schema\" key", [(["$schema"], schema["$id"])]),
    ("reject", "$.parent.dvsec.extra", "an unknown key in parent.dvsec",
     [(P + ["dvsec", "extra"], 1)]),
    ("reject", "$.types[0].regions[1].fast[0].prot", "an unknown key in a fast area",
     [(R1 + ["fast", 0, "prot"], "rw")]),
    ("reject", "$.types[0].registers.version.mask", "an unknown key in a register",
     [(REG + ["mask"], 1)]),
    ("reject", "$.types[0].registers.intcause.side_effects",
     "side_effects: \"yes\" (wrong type)",
     [(T0 + ["registers", "intcause", "side_effects"], "yes")]),
    ("reject", "$.parent.adis", "parent.adis: \"eight\" (wrong type)",
     [(P + ["adis"], "eight")]),
    ("reject", "$.types[0].mailbox", "mailbox: 1 (wrong type)", [(T0 + ["mailbox"], 1)]),
    ("reject", "$.types[0].regions", "regions: an object (wrong type)",
     [(T0 + ["regions"], {"index": 0})]),
    ("reject", "$.parent.caps", "parent.caps: a string (wrong type)",
     [(P + ["caps"], "msix")]),
    ("reject", "$.description", "description: null (wrong type)",
     [(["description"], None)]),
    ("reject", "$.types[0].registers", "registers: an array (wrong type)",
     [(T0 + ["registers"], [])]),
    ("reject", "$.parent.vendor_id", "vendor_id: 65536 (out of range)",
     [(P + ["vendor_id"], 65536)]),
    ("reject", "$.types[0].config.class_code", "class_code: \"0x1000000\" (out of range)",
     [(T0 + ["config", "class_code"], "0x1000000")]),
    ("reject", "$.parent.pasid.width", "pasid.width: 21 (out of range)",
     [(P + ["pasid", "width"], 21)]),
    ("reject", "$.parent.adis", "parent.adis: \"0x1001\" (out of range)",
     [(P + ["adis"], "0x1001")]),
    ("reject", "$.types[0].adis", "types[0].adis: 17 (out of range)",
     [(T0 + ["adis"], 17)]),
    ("reject", "$.types[0].irqs[0].count", "irq count: 2049 (out of range)",
     [(T0 + ["irqs", 0, "count"], 2049)]),
    ("reject", "$.types[0].device.num_irqs", "num_irqs: -1 (out of range)",
     [(T0 + ["device", "num_irqs"], -1)]),
    ("reject", "$.types[0].portal.stride", "portal stride: 32 (out of range)",
     [(T0 + ["portal", "stride"], 32)]),
    ("reject", "$.types[0].registers.version.reset",
     "reset 0x100000000 of a 4-byte register (out of range)",
     [(REG + ["reset"], "0x100000000")]),
    ("reject", "$.parent.dvsec.system_page_size", "system_page_size: 3 (not one bit)",
     [(P + ["dvsec", "system_page_size"], 3)]),
    ("reject", "$.parent.dvsec.supported_page_sizes",
     "supported_page_sizes: \"0x210\" (no 4 KiB)",
     [(P + ["dvsec", "supported_page_sizes"], "0x210")]),
    ("reject", "$.parent.bars[0]", "BAR size 0x3000 (not a power of two)",
     [(P + ["bars", 0, "size"], "0x3000")]),
    ("reject", "$.types[0].dirty.page_size", "dirty page_size 12288 (not a power of two)",
     [(T0 + ["dirty", "page_size"], 12288)]),
    ("reject", "$.types[0].regions[1].fast[0]", "a fast area of 100 bytes (not 4 KiB aligned)",
     [(R1 + ["fast", 0, "size"], 100)]),
    ("reject", "$.types[0].registers.version.width", "register width 3",
     [(REG + ["width"], 3)]),
    ("reject", "$.types[0].registers.cap", "a 4-byte register at offset 0x6 (unaligned)",
     [(T0 + ["registers", "cap", "offset"], "0x6")]),
    ("reject", "$.types[0].config.bars[1]", "a 64-bit BAR at BAR 5",
     [(T0 + ["config", "bars", 1, "bar"], 5)]),
    ("reject", "$.parent.vendor_id", "vendor_id \"0x+8086\" (a sign)",
     [(P + ["vendor_id"], "0x+8086")]),
    ("reject", "$.parent.vendor_id", "vendor_id \"0x 8086\" (a blank)",
     [(P + ["vendor_id"], "0x 8086")]),
    ("reject", "$.parent.vendor_id", "vendor_id \"0x0x8086\" (two prefixes)",
     [(P + ["vendor_id"], "0x0x8086")]),
    ("reject", "$.parent.vendor_id", "vendor_id \"0x8086\\n\" (a newline)",
     [(P + ["vendor_id"], "0x8086\n")]),
    ("reject", "$.parent.vendor_id", "vendor_id \"0X8086\" (upper-case prefix)",
     [(P + ["vendor_id"], "0X8086")]),
    ("reject", "$.parent.vendor_id", "vendor_id \"32902\" (a decimal string)",
     [(P + ["vendor_id"], "32902")]),
    ("reject", "$.parent.vendor_id", "vendor_id \"0x\" (no digits)",
     [(P + ["vendor_id"], "0x")]),
    ("reject", "$.parent.caps[2]", "parent.caps: \"sriov\" (bad flag name)",
     [(P + ["caps", 2], "sriov")]),
    ("reject", "$.parent.caps[1]", "parent.caps: \"msix\" twice",
     [(P + ["caps"], ["msix", "msix"])]),
    ("reject", "$.types[0].device.flags[2]", "device flags: \"wibble\" (bad flag name)",
     [(T0 + ["device", "flags", 2], "wibble")]),
    ("reject", "$.types[0].regions[0].flags[2]", "region flags: \"exec\" (bad flag name)",
     [(T0 + ["regions", 0, "flags", 2], "exec")]),
    ("reject", "$.types[0].irqs[0].flags[0]", "IRQ flags: \"level\" (bad flag name)",
     [(T0 + ["irqs", 0, "flags", 0], "level")]),
    ("reject", "$.types[0].migration.flags[2]", "migration flags: \"post_copy\" (bad flag name)",
     [(T0 + ["migration", "flags", 2], "post_copy")]),
    ("reject", "$.parent.ext_caps", "parent.ext_caps without \"dvsec\"",
     [(P + ["ext_caps"], ["pasid", "ats", "pri"])]),
    ("reject", "$.types[0].migration.flags", "migration flags without \"stop_copy\"",
     [(T0 + ["migration", "flags"], ["p2p"])]),
    ("reject", "$.types[0].regions[1].flags", "a region with fast areas but no \"mmap\"",
     [(R1 + ["flags"], ["read", "write"])]),
    ("reject", "$.schema", "schema missing", [(["schema"], DEL)]),
    ("reject", "$.schema", "schema \"siovh-profile/2\"", [(["schema"], "siovh-profile/2")]),
    ("reject", "$.parent.dvsec", "parent.dvsec missing", [(P + ["dvsec"], DEL)]),
    ("reject", "$.parent.pasid.width", "pasid.width missing", [(P + ["pasid", "width"], DEL)]),
    ("reject", "$.types[0].config", "types[0].config missing", [(T0 + ["config"], DEL)]),
    ("reject", "$.types[0].regions[0].flags", "a region's flags missing",
     [(T0 + ["regions", 0, "flags"], DEL)]),
    ("reject", "$.types[0].registers.version.width", "a register's width missing",
     [(REG + ["width"], DEL)]),
    ("reject", "$.types", "types: [] (too few)", [(["types"], [])]),
    ("reject", "$.types", "9 types (too many)",
     lambda d: d.__setitem__("types", [copy.deepcopy(d["types"][0]) for _ in range(9)])),
    ("reject", "$.types[0].regions", "regions: [] (too few)", [(T0 + ["regions"], [])]),
    ("reject", "$.parent.bars", "parent.bars: [] (too few)", [(P + ["bars"], [])]),
    ("reject", "$.types[0].regions[1].fast", "17 fast areas (too many)",
     [(R1 + ["fast"], [{"offset": 0, "size": 4096}] * 17)]),
    ("reject", "$.types[0].registers", "33 registers (too many)",
     lambda d: many_regs(d, 33)),
    ("reject", "$.types[0].name", "a type name of 64 characters", [(T0 + ["name"], "t" * 64)]),
    ("reject", "$.name", "an empty profile name", [(["name"], "")]),
    ("reject", "invalid JSON", "a reset of 2^63 as a JSON integer",
     [(REG + ["width"], 8), (REG + ["reset"], 2**63)]),

    ("reader", "$.parent.dvsec.system_page_size",
     "system_page_size 0x2, not a supported size (cross-field)",
     [(P + ["dvsec", "system_page_size"], "0x2")]),
    ("reader", "$.types[0].queues.default", "queues.default above max (cross-field)",
     [(T0 + ["queues", "default"], 2)]),
    ("reader", "$.types[1].name", "two types of one name (cross-field)",
     [(["types", 1, "name"], ref["types"][0]["name"])]),
    ("reader", "$.types[0].irqs[0].index", "an IRQ index at num_irqs (cross-field)",
     [(T0 + ["irqs", 0, "index"], 5)]),
    ("reader", "$.types[0].adis", "1.0 for an integer (JSON-level)",
     [(T0 + ["adis"], 1.0)]),
]

v = V(schema)
for i, (expect, needle, title, change) in enumerate(cases):
    doc = copy.deepcopy(ref)
    if callable(change):
        doc = change(doc) or doc
    else:
        for path, value in change:
            put(doc, path, value)
    name = "%s/p%02d.json" % (out, i)
    with open(name, "w") as f:
        json.dump(doc, f, indent=1)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    why = ""
    if errs:
        e = errs[0]
        why = "$%s: %s" % ("".join("[%d]" % p if isinstance(p, int) else "." + p
                                   for p in e.absolute_path), e.message)
    # No empty fields: read splits on tabs, and runs of tabs count as one.
    print("\t".join([name, expect, "invalid" if errs else "valid",
                     needle or "-", title,
                     why.replace("\t", " ").replace("\n", " ")[:200] or "-"]))
PY
status=$?
if [ "$status" -ne 0 ]; then
	ok 1 "profile cases generated"
	sed 's/^/# /' "$tmp/python.err" | head -n 20
	echo "1..$n"
	exit 1
fi

# reader FILE: the reader's verdict on FILE, "valid" or "invalid"; its
# complaint (the clause's failure line) in $tmp/reader.
reader() {
	SIOVH_PROFILE=$1 "$siovh" run --target ref --filter "$clause" --jobs 1 \
		</dev/null >"$tmp/run.out" 2>&1
	grep -F "device profile unusable:" "$tmp/run.out" >"$tmp/reader"
	if [ -s "$tmp/reader" ]; then
		echo invalid
	elif grep -q '^1 passed' "$tmp/run.out" ||
	     grep -qE '^\[1/1\] (ok|FAIL) ' "$tmp/run.out"; then
		echo valid
	else
		echo "no-run"	# the clause did not run: a harness problem
	fi
}

# named FILE NEEDLE: the reader's complaint names FILE and, for a NEEDLE
# starting with $, that JSON path; else it contains NEEDLE.
named() {
	if [ "${2#\$}" != "$2" ]; then
		grep -qF -- "$1: $2" "$tmp/reader"
	else
		grep -F -- "$1:" "$tmp/reader" | grep -qF -- "$2"
	fi
}

last_failed=0
while IFS=$'\t' read -r file expect verdict needle title why; do
	if [ "$file" = SELF ]; then
		ok "$expect" "$verdict"
		[ "$needle" = - ] || echo "# $needle"
		last_failed=$failed
		continue
	fi
	got=$(reader "$file")
	case $expect in
	accept)
		[ "$verdict" = valid ] && [ "$got" = valid ] &&
			{ [ "$title" != specs/profiles/ref.json ] ||
			  grep -q '^1 passed' "$tmp/run.out"; }
		ok $? "schema and reader accept $title" ;;
	reject)
		named "$file" "$needle" && [ "$verdict" = invalid ] &&
			[ "$got" = invalid ]
		ok $? "schema and reader refuse $title" ;;
	reader)
		named "$file" "$needle" && [ "$verdict" = valid ] &&
			[ "$got" = invalid ]
		ok $? "reader only (described in the schema) refuses $title" ;;
	esac
	if [ "$last_failed" -ne "$failed" ]; then
		echo "# expected: $expect; schema: $verdict ($why); reader: $got"
		sed 's/^/# reader: /' "$tmp/reader" | head -n 2
		[ "$got" = no-run ] && sed 's/^/# /' "$tmp/run.out" | head -n 5
	fi
	last_failed=$failed
done <"$tmp/manifest"

tap_end
