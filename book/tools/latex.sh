#!/bin/sh
# latex.sh DIR NAME OUT.pdf
#
# Typesets DIR/NAME.tex with xelatex into OUT.pdf.  Runs it again only
# while the table of contents, the labels or the PDF bookmarks still
# change (usually twice from clean, once after an edit), so a rebuild
# after touching one chapter costs one pass.  On an error, prints the
# lines of the log that say what and where, not the whole log.
set -eu
dir=$1 name=$2 out=$3
cd "$dir"
keep="aux toc out"
for pass in 1 2 3 4; do
	for e in $keep; do
		[ -f "$name.$e" ] && cp "$name.$e" "$name.$e.prev" ||
			: >"$name.$e.prev"
	done
	if ! xelatex -interaction=batchmode -halt-on-error -file-line-error \
		"$name.tex" >/dev/null 2>&1; then
		echo "book: xelatex failed on $dir/$name.tex:" >&2
		grep -A3 -E '^(!|[^ ]*:[0-9]+:)' "$name.log" | head -30 >&2
		exit 1
	fi
	same=1
	for e in $keep; do
		cmp -s "$name.$e" "$name.$e.prev" || same=0
	done
	[ "$same" = 1 ] && break
done
cd - >/dev/null
cp "$dir/$name.pdf" "$out"
