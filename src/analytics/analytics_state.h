// Warm restart: what of an interface's analytics survives a restart of the exporter, and the
// rules for taking it back (the file that carries it is src/storage's).
//
// Saved per interface (EncodeInterfaceState): the counter baseline, every utilization window and
// the health window (their rings), the asymmetric detector, the anomaly detector with its daily
// and weekly profiles, the link-state tracker (transition counts), and what DerivedMetrics carries
// from sample to sample (has_counters, counter resets, last rates and utilization, anomaly flags,
// starts and score).
//
// Time: the counter baseline, the rings and the asymmetric countdown are in monotonic seconds,
// which restart from 0 at each boot; the anomaly detector and the link history are in unix time.
// The saver writes both clocks at save time, and a restore moves every monotonic stamp by
// MonotonicShift() so that its age (in unix time) is kept: a window restored long after the save
// finds nothing recent, and the first sample measures its counter deltas over the whole gap (a
// counter that went down meanwhile is a reset, as always).
//
// Settings: state is only applied to the settings it was learned with. A utilization window is
// restored into the configured window of the same length (windows both lists have are kept, new
// ones start empty), the health window only when its length is unchanged; the anomaly detector
// only when every AnomalySettings value is unchanged, the asymmetric detector likewise with
// AsymmetricSettings. What does not match starts fresh; nothing is misapplied.
//
// Thread-safety: pure functions over values; REQUIRES external synchronization of the objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analytics/analytics_settings.h"
#include "analytics/interface_analytics.h"
#include "analytics/link_state_tracker.h"
#include "model/derived_metrics.h"
#include "model/interface_record.h"
#include "util/byte_codec.h"

namespace netif {

struct RestoreOptions {
  double monotonic_shift = 0;  // added to every saved monotonic time stamp
  bool anomaly = true;         // the anomaly settings are the saved ones: restore the detector
  bool asymmetric = true;      // likewise the asymmetric settings
};

// Seconds to add to a saved monotonic time so that it names the same unix time now. A shift that
// would put a saved time in the future (the wall clock went back) is limited so that the saved
// times are at most `now_monotonic`.
double MonotonicShift(double saved_unix, double saved_monotonic, double now_unix,
                      double now_monotonic);

// The settings the saved state depends on (beyond the windows, whose lengths each ring carries).
std::string EncodeAnalyticsSettings(const AnalyticsSettings& settings);
// What can be restored from state saved under `saved` (EncodeAnalyticsSettings' bytes) into
// analytics running `current`; malformed `saved` restores neither detector.
RestoreOptions CompareAnalyticsSettings(std::string_view saved, const AnalyticsSettings& current,
                                        double monotonic_shift);

// One interface's saved state, as the store hands it to the saver and takes it back.
struct SavedInterfaceState {
  InterfaceKey key;
  // The local interface's kernel ifindex when it was saved: a device re-created under the same
  // name gets another one and is a new interface. nullopt when the record had none.
  std::optional<uint32_t> ifindex;
  std::string state;  // EncodeInterfaceState's bytes
};

void EncodeInterfaceState(const InterfaceAnalytics& analytics, const DerivedMetrics& derived,
                          const LinkStateTracker& link, std::string& out);
// Restores into objects fresh from their constructors; false (discard them) when `bytes` are
// malformed or have bytes left over.
bool DecodeInterfaceState(std::string_view bytes, const RestoreOptions& options,
                          InterfaceAnalytics& analytics, DerivedMetrics& derived,
                          LinkStateTracker& link);

}  // namespace netif
