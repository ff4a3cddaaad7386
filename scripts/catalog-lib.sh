# Shared by scripts/gen-*-catalog.sh (sourced): running a throwaway server's commands, and reading the hand-reviewed
# lists the way every catalog script does.

# as_user USER CMD...: runs CMD as USER when we are root (initdb and mariadbd refuse to run as root), else as we are.
as_user() {
  local user="$1"
  shift
  if [[ $EUID -eq 0 ]]; then /usr/sbin/runuser -u "$user" -- "$@"; else "$@"; fi
}

# private_workdir NAME USER: creates and prints a private temporary directory /tmp/NAME.XXXXXX (mode 700), owned by
# USER when we are root, for a server's data directory, socket and logs.
private_workdir() {
  local dir
  dir="$(mktemp -d "/tmp/$1.XXXXXX")"
  if [[ $EUID -eq 0 ]]; then chown "$2:" "$dir"; fi
  chmod 700 "$dir"
  echo "$dir"
}

# read_unsafe_functions FILE FUNCTIONS: reads FILE (unsafe_functions.tsv: name<TAB>class<TAB>reason, `#` comment
# lines) into the associative array UNSAFE (name -> class), which the caller declares (`declare -A UNSAFE=()`).
# Every name must be a line of the file FUNCTIONS (the dialect's functions, one per line) and listed once, every class
# one rlsq knows (lib/dialect/catalog.cc). Exits on the first error, naming the file and line.
read_unsafe_functions() {
  local file="$1" functions="$2" classes=" sql_text file network large_object raw_page state lock sleep secret "
  local n=0 line name class reason extra base
  base="$(basename "$file")"
  while IFS= read -r line; do
    n=$((n + 1))
    [[ -z "$line" || "$line" == \#* ]] && continue
    IFS=$'\t' read -r name class reason extra <<<"$line"
    if [[ -z "${reason:-}" || -n "${extra:-}" ]]; then echo "$base:$n: want name<TAB>class<TAB>reason" >&2; exit 1; fi
    if [[ "$classes" != *" $class "* ]]; then echo "$base:$n: unknown class $class" >&2; exit 1; fi
    if ! grep -qx "$name" "$functions"; then echo "$base:$n: $name is not a built-in function" >&2; exit 1; fi
    if [[ -n "${UNSAFE[$name]:-}" ]]; then echo "$base:$n: $name listed twice" >&2; exit 1; fi
    UNSAFE[$name]="$class"
  done <"$file"
}

# write_function_classes FUNCTIONS: prints name<TAB>class for every line of FUNCTIONS, the class from UNSAFE or safe.
write_function_classes() {
  local name
  while IFS= read -r name; do printf '%s\t%s\n' "$name" "${UNSAFE[$name]:-safe}"; done <"$1"
}
