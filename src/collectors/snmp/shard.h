// --snmp.shard=i/n: which targets this replica polls. A target belongs to shard
// FNV-1a-32(target name) mod n, so every replica of a Deployment computes the same split from the
// same config, without talking to the others, and each target is polled by exactly one replica.
// The hash depends on the name only: adding or removing a target moves no other target.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "config/values.h"

namespace netif {

// 32-bit FNV-1a (offset basis 2166136261, prime 16777619) over the name's bytes.
uint32_t Fnv1a32(std::string_view bytes);

inline bool InSnmpShard(std::string_view target_name, const Shard& shard) {
  return shard.count <= 1 || Fnv1a32(target_name) % shard.count == shard.index;
}

}  // namespace netif
