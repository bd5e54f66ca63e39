// Tokens: random machine tokens, SHA-256 hashes for storage, constant-time comparison.
#pragma once

#include <string>
#include <string_view>

#include "wardwatch/result.h"

namespace wardwatch::collector::auth {

inline constexpr std::size_t kTokenBytes = 32;  // 64 hex characters

// 32 bytes from OpenSSL's RAND_bytes, lower-case hex. Fails only if the CSPRNG fails.
Result<std::string> GenerateToken();

// Lower-case hex SHA-256 of the token; only this is stored.
std::string HashToken(std::string_view token);

// Constant-time equality (CRYPTO_memcmp); unequal lengths are unequal without early exit
// on content.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Compares a presented secret with the expected one by hashing both first, so neither the
// content nor the length of the expected secret leaks through timing.
bool SecretMatches(std::string_view presented, std::string_view expected);

// The token of an "Authorization: Bearer <token>" header value, or empty when absent/malformed.
std::string_view BearerToken(std::string_view authorization);

// True for exactly 64 lower-case hex characters.
bool LooksLikeToken(std::string_view token);

}  // namespace wardwatch::collector::auth
