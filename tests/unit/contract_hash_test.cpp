// Tests of compiler/contract_hash: SHA-256 (FIPS 180-4 test vectors) and jcs_sha256_hex, the pin
// of an arch contract file in arch/contracts.lock.json.
#include <doctest/doctest.h>

#include <string>

#include "compiler/contract_hash.hpp"

using namespace sluice;

TEST_CASE("contract_hash: SHA-256 of the FIPS 180-4 examples") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("contract_hash: the pin is the hash of the RFC 8785 form") {
  const std::string canonical = R"({"a":[1,"x"],"b":{"c":true}})";
  REQUIRE(jcs_canonical(canonical) == canonical);
  // Whitespace and key order do not change the pin; a value does.
  const std::string spaced = "{\n  \"b\": { \"c\": true },\n  \"a\": [ 1, \"x\" ]\n}\n";
  CHECK(jcs_canonical(spaced) == canonical);
  CHECK(jcs_sha256_hex(spaced) == sha256_hex(canonical));
  CHECK(jcs_sha256_hex(R"({"a":[1,"x"],"b":{"c":false}})") != jcs_sha256_hex(spaced));
  // Not JSON, or JSON RFC 8785 has no form for (duplicate keys): no pin.
  CHECK_FALSE(jcs_sha256_hex("{\"a\":").has_value());
  CHECK_FALSE(jcs_sha256_hex(R"({"a":1,"a":2})").has_value());
}
