#!/bin/sh
# latex.sh DIR NAME OUT.pdf
#
# Typesets DIR/NAME.tex with xelatex into OUT.pdf.  Runs it again only
# while the table of contents, the labels or the PDF bookmarks still
# change (three times from clean, once after a small edit).  The passes
# stop at xelatex's own output (.xdv); only the last is turned into PDF.  On an error, prints the
# lines of the log that say what and where, not the whole log.
# Between passes, makeindex sorts the index entries (book.idx).
#
# With SOURCE_DATE_EPOCH set (book.mk takes it from the last commit),
# the PDF's dates and its /ID are made from it, not from the clock, so
# typesetting the same book.tex again gives the same bytes.
set -eu
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	export SOURCE_DATE_EPOCH FORCE_SOURCE_DATE=1
fi
dir=$1 name=$2 out=$3
cd "$dir"
keep="aux toc out lof lol ind"
for pass in 1 2 3 4; do
	for e in $keep; do      # a file that does not exist counts as empty
		cat "$name.$e" >"$name.$e.prev" 2>/dev/null || :
	done
	if ! xelatex -no-pdf -interaction=batchmode -halt-on-error \
		-file-line-error "$name.tex" >/dev/null 2>&1; then
		echo "book: xelatex failed on $dir/$name.tex:" >&2
		grep -A3 -E '^(!|[^ ]*:[0-9]+:)' "$name.log" | head -30 >&2
		exit 1
	fi
	if [ -f "$name.idx" ]; then
		# an entry written from inside a macro's argument has
		# "\texttt  {X}" for "\texttt{X}": make them one entry
		sed -i -e 's/\\\([A-Za-z]*\) *{/\\\1{/g' "$name.idx"
		makeindex -q "$name.idx" 2>/dev/null ||
			{ echo "book: makeindex failed on $dir/$name.idx" >&2; exit 1; }
	fi
	same=1
	for e in $keep; do
		cat "$name.$e" 2>/dev/null | cmp -s - "$name.$e.prev" ||
			same=0
	done
	[ "$same" = 1 ] && break
done
if ! xdvipdfmx -q -o "$name.pdf" "$name.xdv"; then
	echo "book: xdvipdfmx failed on $dir/$name.xdv" >&2
	exit 1
fi
cd - >/dev/null
cp "$dir/$name.pdf" "$out"
