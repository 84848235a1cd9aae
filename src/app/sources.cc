#include "app/sources.h"

#include "collectors/ethtool/ethtool_source.h"
#include "collectors/kubernetes/kubernetes_source.h"
#include "collectors/local/local_source.h"
#include "collectors/netlink/netlink_source.h"
#include "collectors/snmp/snmp_source.h"

namespace netif {

// Sources are built and started in this order and stopped in the reverse one.
//  - snmp first: building it initializes net-snmp, which should happen before other threads run
//    (init_snmp touches the locale and the environment). A reload that adds the first target
//    initializes it with every source stopped; only HTTP threads run then, and they use neither
//    (initializing it always, at start, would cost every exporter 3.4 MB of RSS for nothing).
//  - netlink before local: its Start() waits (bounded) for the first dump, so the local source's
//    first sample already finds link state and settings in the store; and the local source
//    subscribes to its link events while being built, before either starts.
//  - ethtool after local: it only supplements interfaces the store holds, so its first pass needs
//    the local source's (or netlink's) first. kubernetes likewise, and it hears netlink's link
//    events (subscribed while built).
constexpr SourceEntry kSources[] = {
    {MakeSnmpSource, SnmpExtraCounters},
    {MakeNetlinkSource},
    {MakeLocalSource, LocalExtraCounters},
    {MakeEthtoolSource, EthtoolCounters},
    {MakeKubernetesSource},  // after local, as ethtool: it supplements local veths
};

std::span<const SourceEntry> SourceList() { return kSources; }

std::vector<std::unique_ptr<Source>> BuildSources(const Config& config, SourceContext& context) {
  std::vector<std::unique_ptr<Source>> sources;
  for (const SourceEntry& entry : SourceList()) {
    if (auto source = entry.make(config, context)) sources.push_back(std::move(source));
  }
  return sources;
}

std::vector<const ExtraCounterDefinition*> DeclaredExtraCounters() {
  std::vector<const ExtraCounterDefinition*> counters;
  for (const SourceEntry& entry : SourceList()) {
    if (!entry.extra_counters) continue;
    for (const ExtraCounterDefinition* counter : entry.extra_counters())
      counters.push_back(counter);
  }
  return counters;
}

}  // namespace netif
