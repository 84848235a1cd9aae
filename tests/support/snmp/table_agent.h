// An in-memory SNMP agent over a sorted table of varbinds: GETNEXT and GETBULK as RFC 3416 defines
// them, so walks (the column walker's, the poller's through a fake session) can be tried on a
// recorded device or a made-up one without a network. Header-only.
//
// Thread-safety: REQUIRES external synchronization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "collectors/snmp/column_walk.h"
#include "collectors/snmp/oid.h"
#include "collectors/snmp/varbind.h"

namespace netif::testing_support {

class TableAgent {
 public:
  TableAgent() = default;
  explicit TableAgent(const std::vector<Varbind>& varbinds) {
    for (const Varbind& vb : varbinds) objects_.emplace(vb.oid, vb);
  }

  // The table, to change between requests (a port added or removed, a counter moved).
  std::map<Oid, Varbind>& objects() { return objects_; }
  void Set(Varbind vb) { objects_[vb.oid] = std::move(vb); }

  // The first object after `oid`, or endOfMibView.
  Varbind Next(const Oid& oid) const {
    auto it = objects_.upper_bound(oid);
    if (it == objects_.end()) {
      Varbind end;
      end.oid = oid;
      end.type = static_cast<uint8_t>(SnmpType::kEndOfMibView);
      return end;
    }
    return it->second;
  }

  std::vector<Varbind> GetNext(std::span<const Oid> oids) const {
    std::vector<Varbind> out;
    for (const Oid& oid : oids) out.push_back(Next(oid));
    return out;
  }

  // RFC 3416 GetBulk: non-repeaters once, then `repetitions` rows of the repeaters.
  std::vector<Varbind> Bulk(std::span<const Oid> oids, size_t non_repeaters,
                            uint32_t repetitions) const {
    std::vector<Varbind> out;
    for (size_t i = 0; i < non_repeaters && i < oids.size(); ++i) out.push_back(Next(oids[i]));
    std::vector<Oid> cursors(oids.begin() + static_cast<std::ptrdiff_t>(non_repeaters), oids.end());
    for (uint32_t r = 0; r < repetitions; ++r) {
      for (Oid& cursor : cursors) {
        Varbind vb = Next(cursor);
        cursor = vb.oid;
        out.push_back(std::move(vb));
      }
    }
    return out;
  }
  std::vector<Varbind> Bulk(const ColumnWalk::Request& request, uint32_t repetitions) const {
    return Bulk(request.oids, request.non_repeaters, repetitions);
  }

 private:
  std::map<Oid, Varbind> objects_;
};

}  // namespace netif::testing_support
