// Internal to src/config: the loader of the `snmp:` section (poll settings, targets, credentials
// and their secrets, labels), over the shared YAML field helpers. ParseConfigYaml() calls it for
// the `snmp` key; the types it fills are in snmp_config.h.
//
// Thread-safety: as ParseConfigYaml(); reads the environment and the secret files a target names.
#pragma once

#include "config/snmp_config.h"
#include "config/yaml_fields.h"

namespace netif::config_yaml {

// Loads `snmp.defaults` first, wherever the file puts it, then `snmp.targets` over it. Throws
// LoadError at the key to fix.
void LoadSnmp(const Field& section, SnmpConfig& snmp);

}  // namespace netif::config_yaml
