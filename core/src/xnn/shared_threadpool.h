// One pthreadpool per thread count, shared by every runtime that asks for
// that count, and destroyed with its last user.
//
// Why shared: in wasm every pool thread is one of Emscripten's pre-started
// workers (PTHREAD_POOL_SIZE, the garden's thread count). A pool per model
// took them all with the first model; the second model's pthread_create then
// failed with EAGAIN, which pthreadpool does not report, and loading hung.
// Runs never overlap in a garden (one worker thread serves it), and
// pthreadpool serializes overlapping parallel calls where they do occur
// (native callers running sessions from several threads).
#pragma once

#include <pthreadpool.h>

namespace garden {
namespace xnn {

// The pool of `threads` threads (threads >= 2), created on first use.
// Throws Error(kBackend) when it cannot be created.
pthreadpool_t acquire_threadpool(int threads);
// Gives back a pool from acquire_threadpool; nullptr is ignored.
void release_threadpool(pthreadpool_t pool);

}  // namespace xnn
}  // namespace garden
