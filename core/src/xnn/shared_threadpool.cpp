#include "xnn/shared_threadpool.h"

#include <map>
#include <mutex>

#include "garden/error.h"

namespace garden {
namespace xnn {
namespace {

struct Shared {
  pthreadpool_t pool = nullptr;
  int users = 0;
};

std::mutex registry_mutex;
std::map<int, Shared>& registry() {
  static std::map<int, Shared> pools;  // by thread count
  return pools;
}

}  // namespace

pthreadpool_t acquire_threadpool(int threads) {
  const std::lock_guard<std::mutex> lock(registry_mutex);
  Shared& shared = registry()[threads];
  if (shared.pool == nullptr) {
    shared.pool = pthreadpool_create(static_cast<size_t>(threads));
    require(shared.pool != nullptr, ErrorCode::kBackend, "pthreadpool_create failed");
  }
  ++shared.users;
  return shared.pool;
}

void release_threadpool(pthreadpool_t pool) {
  if (pool == nullptr) return;
  const std::lock_guard<std::mutex> lock(registry_mutex);
  for (auto it = registry().begin(); it != registry().end(); ++it) {
    if (it->second.pool != pool) continue;
    if (--it->second.users == 0) {
      pthreadpool_destroy(pool);
      registry().erase(it);
    }
    return;
  }
}

}  // namespace xnn
}  // namespace garden
