// Result and Status: values, errors, and error() being safe to call on success (test
// messages and logs call it either way).
#include "wardwatch/result.h"

#include <doctest/doctest.h>

#include <string>

using wardwatch::MakeError;
using wardwatch::Result;
using wardwatch::Status;

TEST_CASE("Result holds a value or an error; error() is empty on success") {
  Result<int> good = 42;
  REQUIRE(good.ok());
  CHECK(*good == 42);
  CHECK(good.error().empty());

  Result<std::string> bad = MakeError("disk /dev/sda: no such device");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "disk /dev/sda: no such device");

  const Status ok = Status::Ok();
  CHECK(ok.ok());
  CHECK(ok.error().empty());
  const Status failed = MakeError("spool full");
  CHECK_FALSE(failed.ok());
  CHECK(failed.error() == "spool full");
}
