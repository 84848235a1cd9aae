// The last hour of each interface's traffic, for the page's sparklines: one point a minute, each
// the peak of what the samples within that minute showed, quantized to 16 bits. 60 points of
// rx rate, tx rate, utilization and link downs are 480 bytes per interface (about 550 with its
// map node and key), so 5,001 interfaces keep under 3 MB.
//
// Rates are kept on a log scale (1/1024 of an octave: within 0.07 % of the value from 1 bit/s to
// 10^12 bit/s), utilization in 1/10,000 steps up to 6.5 (a half-duplex link can pass 1).
//
// Thread-safety: RateHistory is a plain value. HistoryBook is safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "model/interface_record.h"
#include "model/snapshot.h"

namespace netif {

inline constexpr uint16_t kAbsentPoint = 0xFFFF;

uint16_t QuantizeRate(std::optional<double> bits_per_second);
std::optional<double> DequantizeRate(uint16_t quantized);
uint16_t QuantizeUtilization(std::optional<double> ratio);
std::optional<double> DequantizeUtilization(uint16_t quantized);

struct HistoryPoint {
  uint16_t receive = kAbsentPoint;      // QuantizeRate of rx bit/s
  uint16_t transmit = kAbsentPoint;     // QuantizeRate of tx bit/s
  uint16_t utilization = kAbsentPoint;  // QuantizeUtilization
  uint16_t link_downs = 0;              // times the link left "up" within the minute
  bool operator==(const HistoryPoint&) const = default;
};

// One interface's ring of minutes.
class RateHistory {
 public:
  static constexpr int kPoints = 60;

  // Folds one observation into minute `minute` (unix seconds / 60): the peak within a minute is
  // kept; a later minute starts a new point (minutes without observations stay absent). An
  // observation for an older minute than the newest is ignored.
  void Observe(int64_t minute, const HistoryPoint& observation);
  // The points of the last kPoints minutes up to `now_minute`, oldest first; absent where none.
  std::array<HistoryPoint, kPoints> Points(int64_t now_minute) const;

 private:
  std::array<HistoryPoint, kPoints> ring_{};  // minute m lives at m % kPoints
  int64_t newest_minute_ = -1;
};

// Every interface's RateHistory, fed from successive snapshots.
class HistoryBook {
 public:
  // Folds `snapshot` in at `unix_seconds`: each interface's rates and utilization, and the link
  // downs since the previous Record. Interfaces no longer in the snapshot are forgotten.
  void Record(const Snapshot& snapshot, double unix_seconds);

  struct Entry {
    std::array<HistoryPoint, RateHistory::kPoints> points;
    uint32_t link_downs = 0;  // over the last hour
  };
  // One interface's last hour at `unix_seconds`; nullopt when it has none yet.
  std::optional<Entry> Find(const InterfaceKey& key, double unix_seconds) const;
  std::size_t size() const;

 private:
  struct Tracked {
    RateHistory history;
    uint64_t transitions_down = 0;  // LinkHistory's count at the previous Record
  };
  mutable std::mutex mutex_;
  std::map<InterfaceKey, Tracked> tracked_;
};

}  // namespace netif
