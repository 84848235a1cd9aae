#include "model/interface_supplement.h"

namespace netif {

void InterfaceSupplement::ApplyTo(InterfaceRecord& record) const {
  for (const auto& [ours, theirs] : kSuppliedDriverFacts) {
    if (this->*ours) record.attributes.*theirs = this->*ours;
  }
  if (pod) record.attributes.pod = pod;
  record.extra_counters.MergeFrom(counters);
}

void InterfaceSupplement::WithdrawFrom(InterfaceRecord& record) const {
  for (const auto& [ours, theirs] : kSuppliedDriverFacts) {
    if (this->*ours) (record.attributes.*theirs).reset();
  }
  if (pod) record.attributes.pod.reset();
  record.extra_counters.EraseDefinitionsOf(counters);
}

}  // namespace netif
