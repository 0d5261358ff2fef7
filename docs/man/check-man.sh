#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# check-man: the built man pages render without a warning and say what
# the code does.  For each page:
#   - man -l renders it with every groff warning on, and prints nothing on
#     stderr; lexgrog (man-db) finds its NAME line (whatis/apropos);
#     the version was substituted;
#   - everything the code offers is in it, in bold (*--json* in scdoc):
#     each option and environment variable of the program's --help
#     (esold, esolctl, printeng-stat, esol-server), each esolctl and
#     esol-server command, each esolctl set short name (agent_cfg.c)
#     with its key, each [section] and key of core/config.c
#     (esold.conf), each function and constant of libprinteng.h;
#   - esolctl(1) names every field of "esolctl --json status", asked of a
#     real esold (participation off, a throw-away configuration);
#   - esold.conf(5) gives each key's default as the code has it
#     (config_defaults(), rendered by config_get()): "default *V*" in the
#     key's entry, or "Optional" when the default is unset;
#   - every name of libprinteng's tables (meters, supply types, units,
#     states, special levels), asked of the library itself, is in
#     libprinteng(3) and printeng-stat(1);
#   - the C in libprinteng(3) is right: the SYNOPSIS prototypes compile
#     with the header (a prototype that no longer matches is an error),
#     and each program of EXAMPLES compiles (-Wall -Wextra -Werror) and
#     links against the library.
#   - who may do what: esolctl(1) lists each key a member of the socket's
#     group may set (operator_keys[] in agent/agent_cfg.c) under
#     "Operating", and every other key and each root-only command
#     (deny() in agent/agent_ctl.c) under "Administering", never the
#     other way round; esold.conf(5) says "start-up only" in the entry of
#     each start-up key (startup_keys[]) and of no other; esolctl(1) and
#     esold.conf(5) give CTL_SET_MAX ("up to N settings");
#   - esold(8)'s LIMITS gives every limit of docs/config.md's table
#     (which test_limits checks against the code) as "*name*: value",
#     and no other;
#   - every installed path the pages name (PREFIX/..., SYSCONFDIR/...,
#     LIBDIR/... in italics) is one "make -n install-device install-dev"
#     installs.
# So a page cannot silently go stale when the code grows.  One check per
# page render and per item; build/results/man gets "passed failed"; the
# last line is "man: N passed, N failed".
#
# Usage: docs/man/check-man.sh MANDIR BUILDDIR
# (run from the top directory; CC, PKG_CONFIG and CORE_LDLIBS as make has
# them).  Uses BUILDDIR/bin/*, BUILDDIR/libprinteng.a, BUILDDIR/libesolcore.a
# and BUILDDIR/userspace/common/log.o.
set -u
usage="usage: check-man.sh MANDIR BUILDDIR"
mandir=${1:?$usage}
bdir=${2:?$usage}
bindir=$bdir/bin
libpe=$bdir/libprinteng.a
passed=0
failed=0
tmp=$(mktemp -d)
esold_pid=
cleanup() {
	if [ -n "$esold_pid" ]; then
		kill "$esold_pid" 2>/dev/null
		wait "$esold_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# The page's roff with font escapes made visible as <B> <I> <R>, so that
# "documented in bold" is a plain regular expression.
flat() {
	sed -e 's/\\fB/<B>/g' -e 's/\\fI/<I>/g' -e 's/\\f[RP]/<R>/g' \
	    -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\&//g' "$1"
}

# render PAGE: no warning from man/groff, a NAME line, a version.
render() {
	page=$1
	err=$(LC_ALL=C.UTF-8 MANWIDTH=80 MANROFFOPT=-ww \
	      man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
	if [ -n "$err" ]; then
		bad "$page: man -l warns:"
		printf '%s\n' "$err" | sed 's/^/    /'
	else
		ok
	fi
	if lexgrog "$page" >/dev/null 2>&1; then ok; else bad "$page: lexgrog finds no NAME line"; fi
	if grep -q '@ESOL_VERSION@' "$page"; then
		bad "$page: @ESOL_VERSION@ not substituted"
	else
		ok
	fi
}

# need PAGE WHAT ITEM...: each ITEM (a regular expression) appears in
# bold in PAGE, or is the title of a section (.SH) or subsection (.SS).
need() {
	page=$1
	shift
	flat "$page" > "$tmp/flat"
	need_in "$tmp/flat" "$(basename "$page")" "$@"
}

# need_in FLAT LABEL WHAT ITEM...: the same, in an already flattened text
# (a part of a page: see subsection).
need_in() {
	nflat=$1
	label=$2
	what=$3
	shift 3
	for item in "$@"; do
		if grep -qE "<B>$item(<|[^A-Za-z0-9_-]|\$)|^\.S[HS] \"?$item\"?\$" "$nflat"; then
			ok
		else
			bad "$label: $what '$item' is not documented (in bold)"
		fi
	done
}

# absent_in FLAT LABEL WHAT ITEM...: no ITEM in bold there.
absent_in() {
	nflat=$1
	label=$2
	what=$3
	shift 3
	for item in "$@"; do
		if grep -qE "<B>$item(<|[^A-Za-z0-9_-]|\$)" "$nflat"; then
			bad "$label: $what '$item' is listed here, but the code says otherwise"
		else
			ok
		fi
	done
}

# subsection FLAT TITLE: the lines of the section or subsection TITLE, up
# to the next one.
subsection() {
	awk -v t="$2" '$0 ~ /^\.S[HS] / { t0 = $0; sub(/^\.S[HS] "?/, "", t0); sub(/"$/, "", t0)
			if (on) exit; if (t0 == t) { on = 1; next } } on' "$1"
}

# entry FLAT SECTION KEY: the entry of KEY in the [SECTION] of
# esold.conf(5), from its "<B>KEY<R> =" to the end of the entry, one line.
entry() {
	awk -v s=".SH [$2]" -v k="<B>$3<R> =" '$0 == s { insec = 1 }
		insec && index($0, k) { on = 1 } on { print }
		on && /^\.RE/ { exit }' "$1" | tr '\n' ' '
}

# A C array of strings in FILE: the quoted "section.key" items between
# "NAME[] = {" and "};".
c_keys() {
	sed -n "/ $2\[\] = {/,/};/p" "$1" | grep -oE '"[a-z]+\.[a-z_]+"' | tr -d '"'
}

# Regular expression for a literal string.
re() {
	printf '%s\n' "$1" | sed 's#[][\.*^$+?(){}|]#\\&#g'
}

# Options (-x, --long) and $VARIABLES of a help text on stdin.
help_options() {
	grep -oE '(^|[][ ,(|])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[][ ,(|]//' | sort -u
}
help_env() {
	grep -oE '\$[A-Z][A-Z0-9_]+' | tr -d '$' | sort -u
}

# check_program PAGE BINARY: --help's options and variables are in PAGE.
check_program() {
	page=$1
	bin=$2
	if ! "$bin" --help > "$tmp/help" 2>&1; then
		bad "$bin --help failed"
		return
	fi
	if [ ! -s "$tmp/help" ]; then
		bad "$bin --help printed nothing"
		return
	fi
	# shellcheck disable=SC2046
	need "$page" "option of '$(basename "$bin") --help'" $(help_options < "$tmp/help")
	# shellcheck disable=SC2046
	need "$page" "variable of '$(basename "$bin") --help'" $(help_env < "$tmp/help")
}

for page in "$mandir"/*.[0-9]; do
	[ -e "$page" ] || { bad "no pages in $mandir"; break; }
	render "$page"
done

for name in esold.8 esolctl.1 printeng-stat.1 esol-server.8 esold.conf.5 libprinteng.3; do
	if [ -f "$mandir/$name" ]; then ok; else bad "$mandir/$name is missing"; fi
done

check_program "$mandir/esold.8" "$bindir/esold"
check_program "$mandir/esolctl.1" "$bindir/esolctl"
check_program "$mandir/printeng-stat.1" "$bindir/printeng-stat"
check_program "$mandir/esol-server.8" "$bindir/esol-server"

# esolctl's commands: the first words of each line of the "commands:"
# block ("enable | disable" is two; "spool list" keeps both words).
"$bindir/esolctl" --help 2>&1 |
	sed -n '/^commands:/,/^$/p' | grep -E '^  [a-z]' |
	sed -E 's/^  //; s/  .*//; s/ [A-Z[].*//' | tr '|' '\n' |
	sed -E 's/^ +//; s/ +$//' | grep . | sed 's/ /[[:blank:]]/g' > "$tmp/cmds"
# shellcheck disable=SC2046
need "$mandir/esolctl.1" "esolctl command" $(cat "$tmp/cmds")

# esolctl set's short names (agent/agent_cfg.c), each with its key.
grep -oE '^[[:space:]]*\{ "[a-z_]+", "[a-z]+\.[a-z_]+" \}' userspace/agent/agent_cfg.c |
	sed -E 's/.*\{ "([a-z_]+)", "([a-z._]+)" \}/\1 \2/' > "$tmp/aliases"
if [ ! -s "$tmp/aliases" ]; then
	bad "no esolctl short names found in userspace/agent/agent_cfg.c"
fi
flat "$mandir/esolctl.1" > "$tmp/flat"
while read -r alias key; do
	if grep -F "<B>$alias<R>" "$tmp/flat" | grep -qF ": $key"; then
		ok
	else
		bad "esolctl.1: short name '$alias' (for $key) is not listed as \"*$alias*...: $key\""
	fi
done < "$tmp/aliases"

# Every key of core/config.c, as section.name.
keys=$(grep -oE '^[[:space:]]*\{ "[a-z]+", "[a-z_]+",' userspace/core/config.c |
       sed -E 's/.*\{ "([a-z]+)", "([a-z_]+)",/\1.\2/')
[ -n "$keys" ] || bad "no keys found in userspace/core/config.c"

# esolctl(1), "WHO MAY DO WHAT": each key's role as agent/agent_cfg.c has
# it.  The keys a member of the socket's group may set (operator_keys[])
# are in bold under "Operating" and not under "Administering"; every other
# key of core/config.c, and each command only root may run (deny() in
# agent/agent_ctl.c), under "Administering" and not under "Operating".
opkeys=$(c_keys userspace/agent/agent_cfg.c operator_keys)
admincmds=$(grep -oE 'deny\(peer, "[a-z -]+"' userspace/agent/agent_ctl.c |
	    sed -E 's/.*"(.*)"/\1/; s/ /[[:blank:]]/g')
flat "$mandir/esolctl.1" > "$tmp/flat"
subsection "$tmp/flat" Operating > "$tmp/operating"
subsection "$tmp/flat" Administering > "$tmp/administering"
if [ -z "$opkeys" ] || [ -z "$keys" ]; then
	bad "no operator_keys[] found in userspace/agent/agent_cfg.c"
elif [ ! -s "$tmp/operating" ] || [ ! -s "$tmp/administering" ]; then
	bad "esolctl.1: no subsections \"Operating\" and \"Administering\" (WHO MAY DO WHAT)"
else
	opre=$(for k in $opkeys; do re "$k"; done)
	adre=$(for k in $(printf '%s\n' "$keys" | grep -vxF "$opkeys"); do re "$k"; done)
	# shellcheck disable=SC2086
	need_in "$tmp/operating" "esolctl.1 (Operating)" "operator key" $opre
	# shellcheck disable=SC2086
	absent_in "$tmp/administering" "esolctl.1 (Administering)" "operator key" $opre
	# shellcheck disable=SC2086
	need_in "$tmp/administering" "esolctl.1 (Administering)" "root-only key" $adre $admincmds
	# shellcheck disable=SC2086
	absent_in "$tmp/operating" "esolctl.1 (Operating)" "root-only key" $adre $admincmds
fi

# esolctl(1) and esold.conf(5): how many keys one set changes (CTL_SET_MAX).
setmax=$(sed -nE 's/^#define[[:space:]]+CTL_SET_MAX[[:space:]]+([0-9]+).*/\1/p' userspace/ctl/ctlproto.h)
for page in esolctl.1 esold.conf.5; do
	if [ -z "$setmax" ]; then
		bad "no CTL_SET_MAX in userspace/ctl/ctlproto.h"
		break
	fi
	if flat "$mandir/$page" | tr '\n' ' ' | grep -qE "up to $setmax (settings|keys)"; then
		ok
	else
		bad "$page: does not say that a set changes \"up to $setmax settings\" (or keys)"
	fi
done

# esold.conf(5): each start-up key (startup_keys[] in agent/agent_cfg.c)
# says "start-up only" in its entry, and no other key does.
stkeys=$(c_keys userspace/agent/agent_cfg.c startup_keys)
flat "$mandir/esold.conf.5" > "$tmp/conf"
if [ -z "$stkeys" ]; then
	bad "no startup_keys[] found in userspace/agent/agent_cfg.c"
else
	for key in $keys; do
		entry "$tmp/conf" "${key%%.*}" "${key#*.}" > "$tmp/entry"
		if printf '%s\n' "$stkeys" | grep -qxF "$key"; then
			if grep -q 'start-up only' "$tmp/entry"; then ok; else
				bad "esold.conf.5: $key is read at start-up only, its entry does not say \"start-up only\""
			fi
		elif grep -q 'start-up only' "$tmp/entry"; then
			bad "esold.conf.5: $key is applied at once, but its entry says \"start-up only\""
		else
			ok
		fi
	done
fi

# esold(8), LIMITS: every limit of the table in docs/config.md (which
# test_limits checks against the code's constants) as "*name*: value",
# and no other.
# shellcheck disable=SC2016
sed -n '/<!-- limits -->/,/<!-- \/limits -->/p' docs/config.md |
	sed -nE 's/^\| `([a-z_.]+)` \| ([0-9]+) \|.*/\1 \2/p' > "$tmp/limits"
flat "$mandir/esold.8" > "$tmp/flat"
subsection "$tmp/flat" LIMITS > "$tmp/limits_sec"
if [ ! -s "$tmp/limits" ]; then
	bad "no limits table in docs/config.md"
else
	while read -r name value; do
		if grep -qE "^<B>$(re "$name")<R>: $value\$" "$tmp/limits_sec"; then ok; else
			bad "esold.8: LIMITS does not give $name as \"*$name*: $value\" (docs/config.md)"
		fi
	done < "$tmp/limits"
	sed -nE 's/^<B>([a-z_.]+)<R>: [0-9]+$/\1/p' "$tmp/limits_sec" | while read -r name; do
		grep -q "^$(re "$name") " "$tmp/limits" ||
			echo "FAIL: esold.8: LIMITS gives $name, which docs/config.md's table does not have"
	done > "$tmp/extra"
	if [ -s "$tmp/extra" ]; then
		cat "$tmp/extra"
		failed=$((failed + $(wc -l < "$tmp/extra")))
	else
		ok
	fi
fi

# The installed paths the pages name (_PREFIX/..._, _SYSCONFDIR/..._,
# _LIBDIR/..._ in italics; MINOR.PATCH for the version) are paths that
# "make -n install" installs to (or directories it installs into), asked
# of the Makefile with those names as the directories.
for sysconf in "" SYSCONFDIR=/SYSCONFDIR; do
	# shellcheck disable=SC2086
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -n install-device install-dev \
		B="$bdir" DESTDIR= PREFIX=/PREFIX LIBDIR=/LIBDIR $sysconf 2>/dev/null
done | awk '{
		n = 0
		for (i = 1; i <= NF; i++) {
			w = $i; gsub(/^["\047]+|["\047;|&)]+$/, "", w)
			if (w ~ /^\/(PREFIX|LIBDIR|SYSCONFDIR)\//) dest[++n] = w
			else { b = w; sub(/.*\//, "", b); if (b != "") base[i] = b }
		}
		for (j = 1; j <= n; j++) {
			print dest[j]
			if (dest[j] ~ /\/$/) for (i in base) print dest[j] base[i]
		}
		delete base
	}' | sed 's,/*$,,' | sort -u > "$tmp/installed"
if [ ! -s "$tmp/installed" ]; then
	bad "make -n install-device install-dev names no installed path"
else
	for page in esold.8 esolctl.1 esold.conf.5 libprinteng.3 printeng-stat.1; do
		flat "$mandir/$page" | grep -oE '<I>(PREFIX|LIBDIR|SYSCONFDIR)/[^<]*<' |
			sed 's/^<I>//; s/<$//; s,/*$,,' | sort -u > "$tmp/paths"
		while read -r path; do
			pre=$(re "/$path" | sed 's/MINOR\\\.PATCH/[0-9]+\\.[0-9]+/')
			if grep -qE "^$pre(/|\$)" "$tmp/installed"; then ok; else
				bad "$page: names $path, which make install does not install"
			fi
		done < "$tmp/paths"
	done
fi

# esolctl(1): every field of "esolctl --json status", from a real esold
# with a throw-away configuration under $tmp: participation off, no print
# engine (--root names an empty directory), nothing leaves the machine.
run=$tmp/run
mkdir -p "$run/state/spool" "$run/root"
cat > "$run/esold.conf" <<EOF
[agent]
state_dir = $run/state
[server]
url = https://esol.invalid/
[spool]
dir = $run/state/spool
[txlog]
path = $run/state/txlog.jsonl
[control]
socket = $run/esold.sock
group =
EOF
"$bindir/esold" -f -c "$run/esold.conf" -r "$run/root" > "$run/esold.log" 2>&1 &
esold_pid=$!
i=0
while [ ! -S "$run/esold.sock" ] && [ $i -lt 100 ] && kill -0 "$esold_pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if "$bindir/esolctl" -s "$run/esold.sock" --json status > "$run/status.json" 2>&1 &&
	jq -r 'paths(type != "object") | map(tostring) | join(".")' "$run/status.json" \
		> "$run/fields" 2>&1 && [ -s "$run/fields" ]; then
	ok
	# shellcheck disable=SC2046
	need "$mandir/esolctl.1" "status field" $(sed 's/\./\\./g' "$run/fields")
else
	bad "cannot get esolctl --json status from a test esold:"
	sed 's/^/    /' "$run/status.json" "$run/esold.log"
fi
kill "$esold_pid" 2>/dev/null
wait "$esold_pid" 2>/dev/null
esold_pid=

# esol-server's commands: the words after "esol-server" in its usage lines.
# shellcheck disable=SC2046
need "$mandir/esol-server.8" "esol-server command" \
	$("$bindir/esol-server" --help 2>&1 | grep -oE '^ *(usage:)? *esol-server +\[?[a-z][a-z|-]*' |
	  sed -E 's/.*esol-server +\[?//' | tr '|' '\n' | sort -u)

# esold.conf(5): every section and key of the code's table.
if [ -n "$keys" ]; then
	# shellcheck disable=SC2046
	need "$mandir/esold.conf.5" "section" $(printf '%s\n' "$keys" | sed 's/\..*//' | sort -u | sed 's/.*/\\[&\\]/')
	# shellcheck disable=SC2046
	need "$mandir/esold.conf.5" "key" $(printf '%s\n' "$keys" | sed 's/.*\.//' | sort -u)
fi

# esold.conf(5): each key's default, asked of core/config itself.
cat > "$tmp/defaults.c" <<'EOF'
#include <stdio.h>
#include "core/config.h"
int main(int argc, char **argv)
{
	struct esol_config c;
	char v[512];
	int i;

	config_defaults(&c);
	for (i = 1; i < argc; i++) {
		if (config_get(&c, argv[i], v, sizeof(v)) < 0) {
			fprintf(stderr, "%s: no such key\n", argv[i]);
			return 1;
		}
		printf("%s %s\n", argv[i], v);
	}
	return 0;
}
EOF
# shellcheck disable=SC2086
if [ -n "$keys" ] && ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Iuserspace -Iinclude/uapi \
	-o "$tmp/defaults" "$tmp/defaults.c" "$bdir/libesolcore.a" \
	"$bdir/userspace/common/log.o" "$bdir/userspace/common/escape.o" ${CORE_LDLIBS:-} > "$tmp/cc.log" 2>&1 &&
	"$tmp/defaults" $keys > "$tmp/defaults.txt" 2>> "$tmp/cc.log"; then
	ok
	flat "$mandir/esold.conf.5" > "$tmp/conf"
	while read -r key value; do
		sec=${key%%.*}
		name=${key#*.}
		entry "$tmp/conf" "$sec" "$name" > "$tmp/entry"
		if [ ! -s "$tmp/entry" ]; then
			bad "esold.conf.5: no entry for $key"
		elif [ -z "$value" ]; then
			if grep -q 'Optional' "$tmp/entry"; then ok; else
				bad "esold.conf.5: $key has no default in the code, but its entry does not say Optional"
			fi
		elif grep -qiF "default <B>$value<" "$tmp/entry" ||
		     grep -qiF "default <I>$value<" "$tmp/entry"; then
			ok
		else
			bad "esold.conf.5: $key: the code's default is '$value'; its entry does not say \"default *$value*\""
		fi
	done < "$tmp/defaults.txt"
else
	bad "cannot ask core/config for its defaults:"
	sed 's/^/    /' "$tmp/cc.log"
fi

# libprinteng(3): every function, macro and enum constant of the header.
hdr=userspace/lib/libprinteng.h
funcs=$(grep -oE '\bprinteng_[a-z0-9_]+\(' "$hdr" | tr -d '(' | sort -u)
consts=$(grep -oE '^[[:space:]]*(#define[[:space:]]+)?PRINTENG_[A-Z0-9_]+' "$hdr" |
	 sed -E 's/.*(PRINTENG_)/\1/' | sort -u)
if [ -z "$funcs" ]; then
	bad "no functions found in $hdr"
else
	# shellcheck disable=SC2086
	need "$mandir/libprinteng.3" "function" $funcs
	# shellcheck disable=SC2086
	need "$mandir/libprinteng.3" "constant" $consts
fi

# libprinteng(3): the C blocks of the rendered page (each from a line
# "#include" to the next line indented less) compile; those with a main()
# also link.
LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l "$mandir/libprinteng.3" 2>/dev/null |
	col -bx | awk -v dir="$tmp" '
	!inblk && /^ +#include/ {
		inblk = 1; n++; ind = match($0, /[^ ]/) - 1
		file = dir "/example" n ".c"
	}
	inblk && NF && match($0, /[^ ]/) - 1 < ind { inblk = 0; close(file) }
	inblk { print substr($0, ind + 1) > file }'
nlibs=$(${PKG_CONFIG:-pkg-config} --libs libnl-genl-3.0)
examples=0
for c in "$tmp"/example*.c; do
	[ -e "$c" ] || break
	if grep -q 'main(' "$c"; then
		examples=$((examples + 1))
		link="-o ${c%.c} $c $libpe $nlibs"
	else
		link="-c -o ${c%.c}.o $c"
	fi
	# shellcheck disable=SC2086
	if ${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Iuserspace/lib -Iinclude/uapi \
		$link > "$tmp/cc.log" 2>&1; then
		ok
	else
		bad "libprinteng.3: example $(basename "$c") does not build:"
		sed 's/^/    /' "$tmp/cc.log"
	fi
done
if [ "$examples" -gt 0 ]; then ok; else bad "libprinteng.3: no C example found"; fi

# The library's name tables, asked of the library.
cat > "$tmp/names.c" <<'EOF'
#include <stdio.h>
#include <libprinteng.h>
int main(void)
{
	unsigned int i;
	const char *n;

	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		if ((n = printeng_meter_name(i)))
			printf("meter %s\n", n);
	for (i = 0; i < 256; i++) {
		if ((n = printeng_supply_type_name(i)))
			printf("type %s\n", n);
		if ((n = printeng_supply_unit_name(i)))
			printf("unit %s\n", n);
		if ((n = printeng_supply_state_name(i)))
			printf("state %s\n", n);
	}
	for (i = 1; i < 16; i++)
		if ((n = printeng_level_special_name(-(int)i)))
			printf("level %s\n", n);
	return 0;
}
EOF
# shellcheck disable=SC2086
if ${CC:-cc} -std=gnu11 -Iuserspace/lib -Iinclude/uapi -o "$tmp/names" "$tmp/names.c" \
	"$libpe" $nlibs > "$tmp/cc.log" 2>&1 && "$tmp/names" > "$tmp/names.txt" &&
	[ -s "$tmp/names.txt" ]; then
	ok
	names() { sed -n "s/^$1 //p" "$tmp/names.txt"; }
	# shellcheck disable=SC2046
	need "$mandir/libprinteng.3" "name" $(cut -d' ' -f2 "$tmp/names.txt" | sort -u)
	# shellcheck disable=SC2046
	need "$mandir/printeng-stat.1" "name" $(names meter; names type; names unit; names state)
else
	bad "cannot list libprinteng's names:"
	sed 's/^/    /' "$tmp/cc.log"
fi

mkdir -p build/results
echo "$passed $failed" > build/results/man
echo "man: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
