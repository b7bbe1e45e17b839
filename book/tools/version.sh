#!/bin/sh
# version.sh OUT.yaml
#
# Writes what the book says about where it comes from, as pandoc
# metadata: the repository's address, the version and commit, and the
# date of the last commit (never the clock, so that building the same
# commit twice gives the same book; book-epoch is that date for
# SOURCE_DATE_EPOCH).  The address is the git remote "origin" if there
# is one, else $BOOK_REPO_URL (book/README.md).  OUT is rewritten only
# when this changes, so that nothing is rebuilt otherwise.
set -eu
out=$1
git_() { git "$@" 2>/dev/null || :; }
url=$(git_ remote get-url origin)
[ -n "$url" ] || url=${BOOK_REPO_URL:-}
# git@host:owner/name.git -> https://host/owner/name
case "$url" in
git@*:*) url=$(echo "$url" | sed -e 's|^git@\([^:]*\):|https://\1/|') ;;
esac
url=${url%.git}
commit=$(git_ rev-parse HEAD)
version=$(git_ describe --tags --always)
epoch=$(git_ log -1 --format=%ct)
date=$(git_ log -1 --format=%cd --date=format:'%-d %B %Y')
[ -n "$commit" ] || { commit=unknown version=unknown epoch=0 date=unknown; }
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
mkdir -p "$(dirname "$out")"
{
	echo "book-repo: $(q "$url")"
	echo "book-version: $(q "$version")"
	echo "book-commit: $(q "$commit")"
	echo "book-date: $(q "$date")"
	echo "book-epoch: $(q "$epoch")"
} >"$out.new"
if cmp -s "$out.new" "$out"; then rm -f "$out.new"; else mv "$out.new" "$out"; fi
