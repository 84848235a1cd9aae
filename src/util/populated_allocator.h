// An allocator for large buffers that are made, filled at once and freed every collection pass
// (a sample's view block). glibc serves them with a fresh mmap each time, so every 4 KiB page of
// each block is a separate page fault on first write, and on a virtualized guest a fault costs
// microseconds. Mapping with MAP_POPULATE has the kernel fill in all the pages in the one mmap
// call instead; the memory is the same, and the collection thread uses measurably less CPU
// (bench/scale/PROFILE.md has the figures).
//
// Small requests (control blocks, a few views) go to the ordinary heap.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace netif {

// Below this, malloc's own heap is cheaper than a mapping (glibc's default mmap threshold).
inline constexpr std::size_t kPopulatedMappingMinBytes = 128 * 1024;

template <typename T>
struct PopulatedAllocator {
  using value_type = T;

  PopulatedAllocator() = default;
  template <typename U>
  PopulatedAllocator(const PopulatedAllocator<U>& /*other*/) {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kPopulatedMappingMinBytes) return static_cast<T*>(::operator new(bytes));
    void* mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(mapped);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kPopulatedMappingMinBytes) {
      ::operator delete(p);
      return;
    }
    ::munmap(p, bytes);
  }

  template <typename U>
  bool operator==(const PopulatedAllocator<U>& /*other*/) const {
    return true;
  }
};

}  // namespace netif
