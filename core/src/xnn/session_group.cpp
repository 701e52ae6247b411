#include "xnn/session_group.h"

#include <cstdlib>
#include <cstring>

#include "garden/error.h"

namespace garden {
namespace {

// Above every XNN_ALLOCATION_ALIGNMENT (64 bytes at most, for AVX-512).
constexpr size_t kAlignment = 64;

// FNV-1a over 8-byte words (and the tail byte by byte): one pass, enough to
// tell weight blocks apart; equal hashes are confirmed with memcmp.
uint64_t content_hash(const uint8_t* data, size_t size) {
  uint64_t hash = 1469598103934665603ull ^ size;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    hash = (hash ^ word) * 1099511628211ull;
  }
  for (; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
  return hash;
}

SessionGroup::Impl& self(void* context) { return *static_cast<SessionGroup::Impl*>(context); }

}  // namespace

SessionGroup::Impl::Impl() {
  provider.context = this;
  // XNNPACK asks by key only where it could skip packing; blocks are matched
  // by content here, after packing.
  provider.look_up = [](void*, const xnn_weights_cache_look_up_key*) -> size_t { return SIZE_MAX; };
  provider.reserve_space = [](void* context, size_t n) { return self(context).reserve(n); };
  provider.look_up_or_insert = [](void* context, const xnn_weights_cache_look_up_key*, void* ptr, size_t size) {
    return self(context).insert(ptr, size);
  };
  // Always "finalized": blocks can be added at any time, and XNNPACK sets up
  // operators only on a finalized cache.
  provider.is_finalized = [](void*) { return true; };
  provider.offset_to_addr = [](void* context, size_t offset) { return self(context).address(offset); };
  provider.delete_cache = [](void*) { return xnn_status_success; };  // the Impl owns everything
}

SessionGroup::Impl::~Impl() {
  if (workspace != nullptr) xnn_release_workspace(workspace);
}

xnn_workspace_t SessionGroup::Impl::shared_workspace() {
  std::lock_guard<std::mutex> lock(mutex);
  if (workspace == nullptr && xnn_create_workspace(&workspace) != xnn_status_success) {
    workspace = nullptr;
    fail(ErrorCode::kBackend, "xnn_create_workspace failed");
  }
  return workspace;
}

void* SessionGroup::Impl::reserve(size_t size) {
  const size_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
  void* data = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (data == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  Block block;
  block.data = {static_cast<uint8_t*>(data), &std::free};
  block.size = size;
  reserved.emplace(data, std::move(block));
  return data;
}

size_t SessionGroup::Impl::insert(void* packed, size_t size) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = reserved.find(packed);
  if (found == reserved.end() || size > found->second.size) return SIZE_MAX;  // not packed into our space
  Block block = std::move(found->second);
  reserved.erase(found);
  block.size = size;
  block.hash = content_hash(block.data.get(), size);
  auto [first, last] = by_hash.equal_range(block.hash);
  for (auto it = first; it != last; ++it) {
    const Block& held = blocks[it->second];
    if (held.size == size && std::memcmp(held.data.get(), block.data.get(), size) == 0) {
      shared_bytes += size;
      return it->second;  // `block` is freed: the held copy serves both
    }
  }
  by_hash.emplace(block.hash, blocks.size());
  packed_bytes += size;
  blocks.push_back(std::move(block));
  return blocks.size() - 1;
}

void* SessionGroup::Impl::address(size_t index) {
  std::lock_guard<std::mutex> lock(mutex);
  return index < blocks.size() ? blocks[index].data.get() : nullptr;
}

SessionGroup::SessionGroup() : impl_(std::make_unique<Impl>()) {}
SessionGroup::~SessionGroup() = default;

size_t SessionGroup::packed_bytes() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->packed_bytes;
}

size_t SessionGroup::shared_bytes() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->shared_bytes;
}

}  // namespace garden
