#!/usr/bin/env bash
# Installs the Debian 12 packages, builds the rlsq CLI, the library and the Python module, installs the library and
# the module under /usr/local, and runs the main job on the bundled example: the policy examples/policy.json and
# the chart query examples/query.sql, rewritten for user alice.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_TARGETS="rlsq rlsq_shared rlsq_static rlsq_python" scripts/build.sh
# Installs the library, <rlsq/rlsq.h> and the Python module under /usr/local (Debian's python3 reads
# /usr/local/lib/python3.X/dist-packages), so that `python3 -c "import rlsq"` works afterwards.
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO cmake --install "${BUILD_DIR:-build}" --prefix /usr/local >/dev/null
$SUDO ldconfig
/usr/bin/python3 -c "import rlsq; print('python3 -c \"import rlsq\": rlsq', rlsq.__version__, file=__import__('sys').stderr)"
# A machine whose `python3` is not Debian's (pyenv, say) but the same CPython minor version gets a copy of the
# package in that interpreter's site directory too (the module needs no third-party Python package).
other="$(command -v python3 || true)"
if [ -n "$other" ] && [ "$(readlink -f "$other")" != "$(readlink -f /usr/bin/python3)" ]; then
  debian_version="$(/usr/bin/python3 -c 'import sys; print(sys.version_info[:2])')"
  if [ "$("$other" -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)" = "$debian_version" ]; then
    site="$("$other" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    src="$(/usr/bin/python3 -c 'import os, rlsq; print(os.path.dirname(rlsq.__file__))')"
    $SUDO rm -rf "$site/rlsq" && $SUDO cp -r "$src" "$site/rlsq"
    "$other" -c "import rlsq" && echo "also installed for $other ($site)" >&2
  fi
fi
echo "\$ rlsq rewrite --policy examples/policy.json --user alice < examples/query.sql" >&2
exec "${BUILD_DIR:-build}/cli/rlsq" rewrite --policy examples/policy.json --user alice < examples/query.sql
