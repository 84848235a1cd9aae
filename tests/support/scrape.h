// Scraping a running exporter from a test: one scrape, parsed and held to the text format, and
// bounded waiting for a scrape that shows what the test expects.
//
// Thread-safety: REQUIRES external synchronization (one test thread), as ExporterProcess.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "support/exporter_process.h"
#include "support/exposition_parser.h"

namespace netif::testing_support {

// GET /metrics, parsed. nullopt when the request failed (ExporterProcess::Scrape() recorded the
// failure); a body with format problems is returned too, after a non-fatal failure listing them.
std::optional<Exposition> ParsedScrape(const ExporterProcess& exporter);

// Scrapes (ParsedScrape) every `pause` until `done` holds for a scrape or `limit` has passed, and
// returns the last scrape that came back (empty when none did), so a test that waited in vain
// still checks, and prints, what the exporter last said. Never loops unbounded.
Exposition ScrapeUntil(const ExporterProcess& exporter,
                       const std::function<bool(const Exposition&)>& done,
                       std::chrono::milliseconds limit,
                       std::chrono::milliseconds pause = std::chrono::milliseconds(200));

// The exact integer of the one sample of `family` labelled {device}; nullopt when there is not
// exactly one, or its value is not an unsigned integer (counters are written as integers: parsing
// a double would round above 2^53).
std::optional<uint64_t> ScrapedCounter(const Exposition& scrape, const std::string& family,
                                       const std::string& device);

}  // namespace netif::testing_support
