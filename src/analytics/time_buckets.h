// A sliding window over monotonic time in constant memory: kBuckets equal buckets of
// window/kBuckets seconds, aligned to multiples of their width, in a ring.
//
// Bucket k holds what was measured in (k*width, (k+1)*width]. The window at time t is the bucket
// holding t and the kBuckets-1 before it, so it spans between window - width and window seconds
// back from t: the resolution is width = window / kBuckets. When t falls on a bucket boundary the
// window is exactly (t - window, t].
//
// A measured interval (start, end] is spread over the buckets it overlaps in proportion to the
// overlap, so a sample interval longer than a bucket (slow polling, a stalled sampler) is
// credited to the right times; the part older than the window is dropped. Each call touches at
// most kBuckets buckets.
//
// Thread-safety: REQUIRES external synchronization. No allocation.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "util/byte_codec.h"

namespace netif {

template <typename Bucket, int kBuckets>
class TimeBuckets {
 public:
  static_assert(kBuckets > 0);

  // REQUIRES: window_seconds > 0 (the config guarantees at least 10 s; anything below a
  // millisecond per bucket is raised to it rather than dividing by zero).
  explicit TimeBuckets(double window_seconds)
      : width_(std::max(window_seconds / kBuckets, kMinWidthSeconds)) {}

  double resolution_seconds() const { return width_; }

  // Makes the bucket holding `now` the newest, emptying the buckets that left the window. Times
  // before the newest bucket change nothing (callers pass increasing times).
  void AdvanceTo(double now) {
    const int64_t id = IdOf(now);
    if (newest_ == kNone) {
      newest_ = id;
      return;
    }
    if (id <= newest_) return;
    const int64_t expired = std::min<int64_t>(id - newest_, kBuckets);
    for (int64_t k = 1; k <= expired; ++k) Slot(newest_ + k) = Bucket{};
    newest_ = id;
  }

  // Calls add(bucket, overlap_seconds) for each bucket of the window that (start, end] overlaps.
  // REQUIRES: AdvanceTo(end) was called.
  template <typename Add>
  void Spread(double start, double end, Add&& add) {
    if (newest_ == kNone || !(end > start)) return;
    const int64_t first =
        std::max<int64_t>(static_cast<int64_t>(std::floor(start / width_)), newest_ - kBuckets + 1);
    const int64_t last = std::min(IdOf(end), newest_);
    for (int64_t k = first; k <= last; ++k) {
      const double lo = std::max(start, static_cast<double>(k) * width_);
      const double hi = std::min(end, static_cast<double>(k + 1) * width_);
      if (hi > lo) add(Slot(k), hi - lo);
    }
  }

  // Warm restart: SaveState writes the bucket width, the newest bucket and the buckets oldest
  // first (save_bucket(writer, bucket)). A reader reads the width (ReadWidth) to pick the ring it
  // belongs to, then LoadBody (load_bucket(reader) -> Bucket) into a ring of that width: the
  // saved monotonic times move by `monotonic_shift`, rounded to whole buckets. A ring of another
  // width takes it into a scratch ring and drops it.
  template <typename SaveBucket>
  void SaveState(ByteWriter& out, SaveBucket&& save_bucket) const {
    out.F64(width_);
    out.I64(newest_);
    for (int i = 0; i < kBuckets; ++i) {
      save_bucket(out,
                  newest_ == kNone ? Bucket{} : buckets_[SlotIndex(newest_ - kBuckets + 1 + i)]);
    }
  }
  static double ReadWidth(ByteReader& in) { return in.F64(); }
  template <typename LoadBucket>
  void LoadBody(ByteReader& in, double monotonic_shift, LoadBucket&& load_bucket) {
    const int64_t newest = in.I64();
    std::array<Bucket, kBuckets> oldest_first{};
    for (Bucket& bucket : oldest_first) bucket = load_bucket(in);
    newest_ = kNone;
    buckets_ = {};
    if (!in.ok() || newest == kNone) return;
    // Far beyond any real offset (2^53 buckets): the file is nonsense, start empty.
    const double shift_buckets = std::round(monotonic_shift / width_);
    if (!(std::fabs(shift_buckets) < 9e15) || std::llabs(newest) > (int64_t{1} << 53)) return;
    newest_ = newest + static_cast<int64_t>(shift_buckets);
    for (int i = 0; i < kBuckets; ++i) Slot(newest_ - kBuckets + 1 + i) = oldest_first[i];
  }

  // Visits every bucket of the window (empty ones included), in no particular order.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const Bucket& bucket : buckets_) visit(bucket);
  }

 private:
  int64_t IdOf(double t) const { return static_cast<int64_t>(std::ceil(t / width_)) - 1; }
  static std::size_t SlotIndex(int64_t id) {
    int64_t slot = id % kBuckets;
    if (slot < 0) slot += kBuckets;
    return static_cast<std::size_t>(slot);
  }
  Bucket& Slot(int64_t id) { return buckets_[SlotIndex(id)]; }

  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  static constexpr double kMinWidthSeconds = 1e-3;

  double width_;
  int64_t newest_ = kNone;  // id of the bucket holding the latest AdvanceTo time
  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace netif
