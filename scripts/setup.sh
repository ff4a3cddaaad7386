#!/usr/bin/env bash
# Installs everything rlsq needs from Debian 12 packages. Idempotent: re-running is cheap.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache g++ clang-14
  antlr4 default-jre-headless libantlr4-runtime-dev uuid-dev
  libboost-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpg-query-dev libpq-dev
  libyaml-cpp-dev libsqlite3-dev sqlite3 libmariadb-dev mariadb-server mariadb-client
  libclang-rt-14-dev
  postgresql-15 postgresql-client-15 pgbouncer libpostgresql-jdbc-java default-jdk-headless
  libssl-dev openssl pkg-config
  python3 python3-dev pybind11-dev python3-pybind11 python3-setuptools python3-build python3-pip python3-wheel
  python3-pytest python3-flask python3-sqlalchemy python3-psycopg2 python3-sqlglot
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
