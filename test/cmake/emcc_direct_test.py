#!/usr/bin/env python3
"""cmake/emcc_direct.py makes the objects (and dependency files) emcc makes.

Usage: emcc_direct_test.py EMCC EMXX   (run by CTest in the wasm build)

Each case compiles one source twice, with emcc and through the launcher, and
compares the outputs byte for byte: the flag sets the builds use (SIMD128,
threads, C++ exceptions, -O3/-Os), defines holding quotes and spaces, include
directories from a response file (whose contents, not its name, must key the
cached command), and a mode the launcher hands to emcc unchanged (-E).
"""
import glob
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, "..", "..", "cmake", "emcc_direct.py")
EMCC, EMXX = sys.argv[1], sys.argv[2]

C_SOURCE = r"""
#include <wasm_simd128.h>
#include "probe_config.h"
v128_t twice(v128_t x) { return wasm_f32x4_add(x, x); }
int config_value(void) { return PROBE_CONFIG; }
"""
CXX_SOURCE = r"""
#include <stdexcept>
#include <string>
#include <thread>
std::string version() { return std::string("v") + GARDEN_VERSION + SPACED; }
int guarded(int x) {
  try {
    if (x < 0) throw std::invalid_argument("negative");
    return x;
  } catch (const std::exception&) {
    return -1;
  }
}
"""


class EmccDirectTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.work = self.dir.name
        self.cache = os.path.join(self.work, "cache")
        os.makedirs(os.path.join(self.work, "include"))
        self.write("include/probe_config.h", "#define PROBE_CONFIG 7\n")
        self.write("kernel.c", C_SOURCE)
        self.write("strings.cpp", CXX_SOURCE)

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        with open(os.path.join(self.work, name), "w") as f:
            f.write(text)

    def read(self, name):
        with open(os.path.join(self.work, name), "rb") as f:
            return f.read()

    def compile(self, compiler, flags, source, output, direct):
        command = [compiler, *flags, "-MD", "-MT", output, "-MF", output + ".d",
                   "-o", output, "-c", source]
        if direct:
            command = [sys.executable, LAUNCHER, self.cache, *command]
        subprocess.run(command, cwd=self.work, check=True)

    def assert_same_objects(self, compiler, flags, source):
        self.compile(compiler, flags, source, "by_emcc.o", direct=False)
        self.compile(compiler, flags, source, "direct.o", direct=True)
        self.assertEqual(self.read("by_emcc.o"), self.read("direct.o"))
        self.assertEqual(self.read("by_emcc.o.d").replace(b"by_emcc.o", b"X"),
                         self.read("direct.o.d").replace(b"direct.o", b"X"))

    def test_c_kernel_with_simd_and_threads(self):
        self.assert_same_objects(
            EMCC, ["-O2", "-DNDEBUG", "-msimd128", "-pthread", "-Iinclude", "-std=gnu99"], "kernel.c")
        self.assertEqual(len(glob.glob(os.path.join(self.cache, "*.json"))), 1)

    def test_cxx_with_exceptions_and_quoted_defines(self):
        flags = ['-DGARDEN_VERSION="0.1.0"', '-DSPACED=" (a b)"', "-O3", "-msimd128",
                 "-pthread", "-fexceptions", "-std=c++17"]
        self.assert_same_objects(EMXX, flags, "strings.cpp")
        self.assert_same_objects(EMXX, ["-Os", *flags], "strings.cpp")

    def test_single_thread_flags(self):
        self.assert_same_objects(EMXX, ['-DGARDEN_VERSION="1"', '-DSPACED=""', "-O3", "-msimd128",
                                        "-fexceptions", "-std=c++17"], "strings.cpp")

    def test_response_file_contents_key_the_cache(self):
        self.write("flags.rsp", "-Iinclude -DEXTRA=1\n")
        self.assert_same_objects(EMCC, ["-O2", "-msimd128", "@flags.rsp"], "kernel.c")
        # Same file name, other contents: the cached command must not be reused.
        os.makedirs(os.path.join(self.work, "other"))
        self.write("other/probe_config.h", "#define PROBE_CONFIG 8\n")
        self.write("flags.rsp", "-Iother\n")
        self.assert_same_objects(EMCC, ["-O2", "-msimd128", "@flags.rsp"], "kernel.c")
        self.assertEqual(len(glob.glob(os.path.join(self.cache, "*.json"))), 2)

    def test_preprocessing_is_left_to_emcc(self):
        for direct, output in ((False, "by_emcc.i"), (True, "direct.i")):
            command = [EMCC, "-E", "-Iinclude", "kernel.c", "-o", output]
            if direct:
                command = [sys.executable, LAUNCHER, self.cache, *command]
            subprocess.run(command, cwd=self.work, check=True)
        self.assertEqual(self.read("by_emcc.i"), self.read("direct.i"))
        self.assertFalse(os.path.exists(self.cache))  # nothing asked of emcc, nothing cached


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
