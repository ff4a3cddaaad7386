# Sourced by the build scripts (from the repository root): the ccache directory and the corpus setting every CMake
# configure of this project gets.
#   corpus_args: ("-DRLSQ_CORPUS_DIR=...") when RLSQ_CORPUS_DIR is set, or when the corpus is not next to the
#   checkout (../shared/corpus, the CMake default) but /work/shared/corpus exists (a clone elsewhere, e.g. CI in
#   /tmp/fresh); empty otherwise.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
corpus_args=()
if [ -n "${RLSQ_CORPUS_DIR:-}" ]; then
  corpus_args+=("-DRLSQ_CORPUS_DIR=$RLSQ_CORPUS_DIR")
elif [ ! -d ../shared/corpus/tpch ] && [ -d /work/shared/corpus/tpch ]; then
  corpus_args+=("-DRLSQ_CORPUS_DIR=/work/shared/corpus")
fi
