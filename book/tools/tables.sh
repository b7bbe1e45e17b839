#!/bin/sh
# tables.sh OUTDIR AUXDIR KEY...
#
# Joins the pages' aux tables (written by filters/include.lua, one per
# page, in book order) into the book-wide tables that filters/render.lua
# reads: ids.tsv (id, page, label), nav.tsv (page, title, top id),
# toc.tsv (page, level, id, text), fun.tsv (name, kind, page, id,
# label) and fig.tsv (figure name, id, label, page).  A table is
# rewritten only when its contents change, so
# touching one chapter does not rebuild every page.  Fails if two pages
# define the same id, since links to it could not be resolved.
set -eu
out=$1 auxdir=$2
shift 2
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/booktables.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
: >"$tmp/ids.tsv"; : >"$tmp/nav.tsv"; : >"$tmp/toc.tsv"; : >"$tmp/fun.tsv"
: >"$tmp/fig.tsv" "$tmp/terms.tsv"
for k in "$@"; do
	awk -F'\t' -v OFS='\t' -v p="$k" -v d="$tmp" '
	$1 == "id" || $1 == "figid" { print $2, p, $3 >> (d "/ids.tsv") }
	$1 == "figid" { print $2 >> (d "/shared.txt") }
	$1 == "title" && !titled {
		print p, $3, $2 >> (d "/nav.tsv")
		titled = 1
	}
	$1 == "toc"   { print p, $2, $3, $4 >> (d "/toc.tsv") }
	$1 == "fun"   { print $2, $3, p, $4, $5 >> (d "/fun.tsv") }
	$1 == "figure" { print $2, $3, $4, p >> (d "/fig.tsv") }
	END { if (!titled) print p, p, "" >> (d "/nav.tsv") }
	' "$auxdir/$k.tsv"
done
# the index's terms (filters/terms.lua): category, term, id, label, page
for k in "$@"; do
	[ -f "$auxdir/$k.terms.tsv" ] || continue
	awk -v OFS='\t' -v p="$k" '{ print $0, p }' "$auxdir/$k.terms.tsv" \
		>>"$tmp/terms.tsv"
done
# a figure's default id may be on several pages (see include.lua)
touch "$tmp/shared.txt"
dups=$(cut -f1,2 "$tmp/ids.tsv" | sort -u | cut -f1 | sort | uniq -d |
	grep -v -x -F -f "$tmp/shared.txt" || true)
if [ -n "$dups" ]; then
	for id in $dups; do
		pages=$(awk -F'\t' -v id="$id" \
			'$1 == id { printf " %s", $2 }' \
			"$tmp/ids.tsv")
		echo "book: the id #$id is defined on more than one" \
			"page:$pages" >&2
	done
	exit 1
fi
for t in ids nav toc fun fig terms; do
	cmp -s "$tmp/$t.tsv" "$out/$t.tsv" 2>/dev/null ||
		cp "$tmp/$t.tsv" "$out/$t.tsv"
done
