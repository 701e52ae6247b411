// SessionGroup (garden/session.h): an XNNPACK weights cache provider and an
// XNNPACK workspace, shared by the group's runtimes.
//
// XNNPACK's own weights cache keeps every packed block in one buffer that it
// grows by reallocating to the exact new size, copying all packed weights
// once per layer (wasm has no mremap) and leaving the freed copies as heap
// the wasm memory never returns. This provider gives each block its own
// allocation instead, and the "offset" XNNPACK keeps is the block's index.
#pragma once

#include <xnnpack.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "garden/session.h"

namespace garden {

struct SessionGroup::Impl {
  Impl();
  ~Impl();

  // The provider XNNPACK calls; valid as long as this Impl.
  xnn_weights_cache_t weights_cache() { return &provider; }
  // The activation arena, made at the first call (after xnn_initialize);
  // each runtime created with it holds a reference. Error(kBackend) if
  // XNNPACK cannot make one.
  xnn_workspace_t shared_workspace();

  struct Block {
    std::unique_ptr<uint8_t, void (*)(void*)> data{nullptr, nullptr};
    size_t size = 0;
    uint64_t hash = 0;
  };

  void* reserve(size_t size);
  size_t insert(void* packed, size_t size);
  void* address(size_t index);

  xnn_weights_cache_provider provider{};
  mutable std::mutex mutex;
  std::vector<Block> blocks;                          // by index, the "offset" XNNPACK keeps
  std::unordered_map<void*, Block> reserved;          // packed into, not yet inserted
  std::unordered_multimap<uint64_t, size_t> by_hash;  // content hash -> block index
  xnn_workspace_t workspace = nullptr;
  size_t packed_bytes = 0;
  size_t shared_bytes = 0;
};

}  // namespace garden
