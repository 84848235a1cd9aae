// A small error value (after LevelDB's Status): collectors return one instead of throwing, so a
// failed source is reported and counted while the others keep working.
//
// Thread-safety: immutable value; safe to copy between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace netif {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

}  // namespace netif
