// YAML policy files: a YAML document read into the same json::Value tree the JSON reader gives, so that one loader
// validates both (lib/policy). yaml-cpp's event parser does the YAML syntax; this file does the typing, strictly:
//
//   - plain scalars follow the YAML 1.2 core schema: null, ~ and an empty value are null; true/false (any of
//     their three spellings) are booleans; numbers must be written as JSON writes them (12, -3, 1.5, 2e3); a
//     plain scalar that YAML would read as another number (0x1F, 0o17, +1, .5, .inf) is an error, not a string,
//     so that a value never silently changes type; every other plain scalar is a string;
//   - quoted, literal (|) and folded (>) scalars are strings, as is anything tagged !!str; other tags are errors;
//   - mapping keys are scalars and unique; anchors and aliases are refused (a policy is read as written);
//   - one document, UTF-8 without NUL bytes, nested at most 64 deep.
// Errors are InvalidArgument "line:column: message", as the JSON reader's.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/json/json.h"

namespace rlsq::json {

absl::StatusOr<Value> ParseYaml(std::string_view text);

}  // namespace rlsq::json
