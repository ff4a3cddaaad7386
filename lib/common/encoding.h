// PostgreSQL client encodings. rlsq lexes SQL as UTF-8; PostgreSQL lexes the text after converting it from the
// connection's client_encoding to the server encoding (UTF8 assumed). The two read the same tokens only when that
// conversion maps every ASCII byte to itself and never lets an ASCII byte be part of a multibyte character.
// PostgreSQL's client-only encodings (SJIS, SHIFT_JIS_2004, BIG5, GBK, UHC, GB18030, JOHAB) break the second rule:
// in SJIS the UTF-8 bytes E3 81 81 5C are the characters E381 and 815C, so the backslash that rlsq reads as an
// escape inside E'...' is gone on the server and the next quote ends the string. They are refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace rlsq::encoding {

enum class ClientEncoding : uint8_t { kUtf8, kSqlAscii, kLatin1 };

// A PostgreSQL client_encoding name, normalized as PostgreSQL's pg_char_to_encoding/clean_encoding_name does
// (case-insensitive, non-alphanumeric ASCII characters ignored, names of 64 bytes or more unknown) with
// PostgreSQL 15's aliases (src/common/encnames.c). Stricter in two respects, never reading a name differently
// from the server: a name holding a non-ASCII or NUL byte is unknown (PostgreSQL's isalnum() depends on its
// locale there), and so is one of 64 bytes or more (the client_encoding setting truncates it to 63 bytes first).
// UTF8 (UNICODE, UTF-8) -> kUtf8; SQL_ASCII -> kSqlAscii (no conversion, the server validates UTF-8);
// LATIN1 (ISO88591, ...) -> kLatin1 (transcoded exactly).
// The client-only encodings, whose multibyte characters can contain ASCII bytes -> InvalidArgument
// "client encoding SJIS is refused: its multibyte characters can contain ASCII bytes, ...; use UTF8".
// Any other valid PostgreSQL encoding -> InvalidArgument "client encoding X is not supported by rlsq: use UTF8"
// (X its canonical name); an unknown name -> InvalidArgument "unknown client encoding \"name\"".
absl::StatusOr<ClientEncoding> ParseClientEncoding(std::string_view name);

// PostgreSQL's canonical name: "UTF8", "SQL_ASCII", "LATIN1".
std::string_view Name(ClientEncoding e);

// The text as the server lexes it: LATIN1 -> UTF-8 (every byte maps to U+0000..U+00FF); UTF8 and SQL_ASCII
// unchanged (returned by copy).
absl::StatusOr<std::string> ToServer(ClientEncoding e, std::string_view client_text);

// Back to the client encoding: UTF8/SQL_ASCII unchanged; LATIN1: InvalidArgument "character U+XXXX cannot be
// represented in LATIN1" for a code point above U+00FF, and PostgreSQL's "invalid byte sequence" message for
// invalid UTF-8. U+0000 (a NUL byte) maps to 0x00, so every LATIN1 byte round trips.
absl::StatusOr<std::string> ToClient(ClientEncoding e, std::string_view utf8);

}  // namespace rlsq::encoding
