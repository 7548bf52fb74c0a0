#!/usr/bin/env bash
# The fuzzing campaign: every decoder that takes bytes from outside (bundle files, hub
# frames, Yjs updates and state vectors, access tokens, programme files, open data), with
# libFuzzer through cargo fuzz, from the seed corpora in fuzz/corpus.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 20; CI runs it briefly)
#
# A crash stops the campaign with its input saved under fuzz/artifacts/TARGET/: fix the
# bug, then keep the input in fuzz/regressions/TARGET/ (replayed by every run).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-20}"
# A fixed seed (FUZZ_SEED) makes a run repeatable: CI uses one, so that a green build stays
# green; campaigns at length use a random one to explore further.
seed_option=()
[ -n "${FUZZ_SEED:-}" ] && seed_option=(-seed="$FUZZ_SEED")
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --version '^0.13' --locked
# cargo fuzz needs a few unstable compiler flags (sanitizers); the machine's one toolchain
# is stable, which accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
# yrs reserves room for the block count a peer declares with `try_reserve`, which fails
# cleanly when the count is absurd; AddressSanitizer aborts on such a request by default
# instead of failing it. Let it fail as the system allocator does (see docs/reliability.md).
export ASAN_OPTIONS="allocator_may_return_null=1:${ASAN_OPTIONS:-}"
targets=(bundle sync_frame document_update token programme opendata)
cargo fuzz build -O
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "regressions/$target"
    # Known crashers first: each must now pass.
    for input in "regressions/$target"/*; do
        [ -e "$input" ] || continue
        cargo fuzz run -O "$target" "$input" -- -runs=1 -malloc_limit_mb=65536 >/dev/null
    done
    # A scratch copy of the corpus, so that a campaign does not rewrite the committed seeds.
    work="$(mktemp -d)"
    cp -r "corpus/$target/." "$work/"
    echo "fuzzing $target for ${seconds}s"
    cargo fuzz run -O "$target" "$work" -- "${seed_option[@]}" -max_total_time="$seconds" -max_len=262144 -malloc_limit_mb=65536 -print_final_stats=1 2>&1 \
        | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|panicked|SUMMARY" || true
    if ls "artifacts/$target"/crash-* >/dev/null 2>&1; then
        echo "CRASH in $target: see fuzz/artifacts/$target" >&2
        exit 1
    fi
    rm -rf "$work"
done
echo "${#targets[@]} passed, 0 failed"
