// Tests tokens: format, randomness, hashing, constant-time comparison, Bearer parsing.
#include "auth.h"

#include <doctest/doctest.h>

#include <set>

namespace auth = wardwatch::collector::auth;

TEST_CASE("GenerateToken gives 64 lower-case hex characters, different every time") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = auth::GenerateToken();
    REQUIRE(token.ok());
    CHECK(token->size() == 64);
    CHECK(auth::LooksLikeToken(*token));
    seen.insert(*token);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("HashToken is SHA-256 in hex") {
  // Known vectors: SHA-256("") and SHA-256("abc").
  CHECK(auth::HashToken("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(auth::HashToken("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("ConstantTimeEquals") {
  struct Case {
    const char* a;
    const char* b;
    bool equal;
  };
  const Case cases[] = {
      {"", "", true},         {"abc", "abc", true},   {"abc", "abd", false},
      {"abc", "abcd", false}, {"abcd", "abc", false}, {"", "a", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(auth::ConstantTimeEquals(c.a, c.b) == c.equal);
  }
}

TEST_CASE("SecretMatches never accepts an empty expected secret") {
  CHECK(auth::SecretMatches("s3cret", "s3cret"));
  CHECK_FALSE(auth::SecretMatches("s3cret", "s3cre"));
  CHECK_FALSE(auth::SecretMatches("", ""));
  CHECK_FALSE(auth::SecretMatches("x", ""));
}

TEST_CASE("BearerToken parses the Authorization header") {
  struct Case {
    const char* header;
    const char* token;
  };
  const Case cases[] = {
      {"Bearer abc", "abc"},
      {"bearer abc", "abc"},
      {"BEARER  abc ", "abc"},
      {"Basic abc", ""},
      {"Bearer", ""},
      {"Bearer ", ""},
      {"", ""},
      {"Bearerabc", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.header);
    CHECK(auth::BearerToken(c.header) == c.token);
  }
}

TEST_CASE("LooksLikeToken") {
  CHECK(auth::LooksLikeToken(std::string(64, 'a')));
  CHECK_FALSE(auth::LooksLikeToken(std::string(63, 'a')));
  CHECK_FALSE(auth::LooksLikeToken(std::string(64, 'A')));
  CHECK_FALSE(auth::LooksLikeToken(std::string(63, 'a') + "g"));
}
