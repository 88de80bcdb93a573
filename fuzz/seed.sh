#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's own pages and story data.
# Run from anywhere; safe to run again (it only adds files). corpus/ is gitignored.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
corpus="$fuzz/corpus"
mkdir -p "$corpus/front_matter" "$corpus/markdown" "$corpus/story"

pages=("$repo"/content/*.md "$repo"/src/scaffold/content/*.md "$repo"/benches/fixtures/*.md)
# A seed's name: its path in the repository, slashes as dashes.
seed_name() { local p="${1#"$repo"/}"; echo "${p//\//-}"; }

# front_matter: whole pages, as they are.
for f in "${pages[@]}"; do
    [ -f "$f" ] || continue
    cp "$f" "$corpus/front_matter/$(seed_name "$f")"
done

# markdown: a flag byte, then the text (see fuzz_targets/markdown.rs).
#   0x11 a whole page with raw HTML allowed (a content page)
#   0x18 a whole page, HTML shown as text, footnote prefix (like a data field)
#   0x01 the text as a body
for f in "${pages[@]}" "$repo/README.md"; do
    [ -f "$f" ] || continue
    name="$(seed_name "$f")"
    { printf '\x11'; cat "$f"; } > "$corpus/markdown/page-$name"
    { printf '\x18'; cat "$f"; } > "$corpus/markdown/data-$name"
    { printf '\x01'; cat "$f"; } > "$corpus/markdown/body-$name"
done

# story: sources, timeline, quotes, corrections joined by NUL bytes.
join_data() {
    local dir="$1"
    cat "$dir/sources.toml"; printf '\0'
    cat "$dir/timeline.toml"; printf '\0'
    cat "$dir/quotes.toml"; printf '\0'
    cat "$dir/corrections.toml"
}
for dir in "$repo/content/data" "$repo/src/scaffold/content/data"; do
    [ -d "$dir" ] || continue
    name="$(seed_name "$dir")"
    join_data "$dir" > "$corpus/story/all-$name"
    cat "$dir/sources.toml" > "$corpus/story/sources-$name"
    { cat "$dir/sources.toml"; printf '\0'; cat "$dir/timeline.toml"; } > "$corpus/story/timeline-$name"
    { cat "$dir/sources.toml"; printf '\0\0'; cat "$dir/quotes.toml"; } > "$corpus/story/quotes-$name"
    { printf '\0\0\0'; cat "$dir/corrections.toml"; } > "$corpus/story/corrections-$name"
done
# Every date form, one a line (the target parses each line as a FuzzyDate).
printf '2025\n2025-07\n2025-07-04\nearly 2025-07\nmid 2025-02\nlate 2024-02\n0000\n9999-12-31\n' \
    > "$corpus/story/dates"

for t in front_matter markdown story; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
