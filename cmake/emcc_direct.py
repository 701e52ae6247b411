#!/usr/bin/env python3
"""Compiles one source file as emcc (or em++) would, by calling its clang directly.

Used as the C and C++ compiler launcher of the wasm builds:

    emcc_direct.py CACHE_DIR COMPILER ARGS...

Emscripten's emcc is a Python driver that spends most of a second starting up
before it runs clang with flags of its own; most files of a wasm build (nearly
all of XNNPACK's microkernels) compile in a fraction of that. `emcc -v` prints
the clang command it runs. This asks emcc once per distinct set of flags, on a
probe source of the same language, keeps the command in CACHE_DIR and runs it
on the real source, object and dependency file. The objects are the ones emcc
makes (byte for byte; test/cmake/emcc_direct_test.py checks it).

Anything unusual (no `-c`, no single source, preprocessing or assembly output,
a probe that emcc does not compile with exactly one clang command) is handed to
COMPILER unchanged, so this can only save time, never change a build.
"""
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SOURCE_SUFFIXES = {".c": "c", ".cc": "c++", ".cpp": "c++", ".cxx": "c++"}
# Dependency-file options (the file's own), with and without a value.
DEPENDENCY_OPTIONS_WITH_VALUE = {"-MF", "-MT", "-MQ"}
DEPENDENCY_FLAGS = {"-MD", "-MMD"}
# Options after which the next argument is a value, not a source.
OPTIONS_WITH_VALUE = {"-I", "-D", "-U", "-include", "-isystem", "-iquote", "-idirafter", "-x",
                      "-Xclang", "-mllvm", "-target", "--target", "-s", "-arch"}
# Modes in which emcc does more, or other, than compile to an object.
UNSUPPORTED = {"-E", "-S", "-M", "-MM", "-emit-llvm", "-flto", "--cflags", "-v", "-###"}


def expand_response_files(args):
    """@FILE arguments replaced by the arguments in FILE, as emcc does, so that
    the cache is keyed by what the file says rather than by its name."""
    expanded = []
    for arg in args:
        if arg.startswith("@") and os.path.isfile(arg[1:]):
            with open(arg[1:]) as f:
                expanded += shlex.split(f.read())
        else:
            expanded.append(arg)
    return expanded


def split_arguments(args):
    """(flags, dependency-file arguments, source, object) of a compile to an
    object, or None for anything else."""
    flags, dependency, sources, obj, compile_only = [], [], [], None, False
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else None
        if arg in UNSUPPORTED or arg.startswith("-flto"):
            return None
        if arg in DEPENDENCY_OPTIONS_WITH_VALUE | OPTIONS_WITH_VALUE | {"-o"}:
            if value is None:
                return None
            if arg == "-o":
                obj = value
            elif arg in DEPENDENCY_OPTIONS_WITH_VALUE:
                dependency += [arg, value]
            else:
                flags += [arg, value]
            i += 2
            continue
        if arg == "-c":
            compile_only = True
        elif arg in DEPENDENCY_FLAGS:
            dependency.append(arg)
        elif not arg.startswith("-") and os.path.splitext(arg)[1] in SOURCE_SUFFIXES:
            sources.append(arg)
        else:
            flags.append(arg)
        i += 1
    if len(sources) != 1 or not compile_only or obj is None:
        return None
    return flags, dependency, sources[0], obj


def launcher_identity():
    """This script's own contents: an edited launcher never reads the commands
    an earlier version of it cached."""
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def toolchain_identity(compiler):
    """What names this emcc: its path, and the version and config beside it
    (a cached command must not outlive an upgrade of the toolchain)."""
    real = os.path.realpath(shutil.which(compiler) or compiler)
    identity = [compiler, real]
    for name in (real, os.path.join(os.path.dirname(real), "emscripten-version.txt"),
                 os.path.join(os.path.dirname(real), ".emscripten")):
        try:
            info = os.stat(name)
            identity.append([name, info.st_size, info.st_mtime_ns])
        except OSError:
            identity.append([name, None])
    return identity


def emcc_quote(arg):
    """How emcc -v prints one argument (tools/shared.py's shlex_quote)."""
    if " " in arg and not (arg[:1] == arg[-1:] and arg[:1] in "\"'"):
        return '"' + arg.replace('"', '\\"') + '"'
    return arg


def probe_command(cache_dir, compiler, language, flags):
    """The clang command emcc runs for FLAGS, with '{source}' and '{object}' in it.

    `emcc -v` prints `"CLANG" EMCC_FLAGS... ARGS...`, ARGS being what it was
    given, in order and quoted only where they hold a space; that printing is
    lossy (quotes inside an argument), so only the part emcc adds is taken from
    it, and the arguments themselves are used as given."""
    key = [launcher_identity(), toolchain_identity(compiler), language, flags]
    key = hashlib.sha256(json.dumps(key).encode())
    cached = os.path.join(cache_dir, key.hexdigest()[:24] + ".json")
    try:
        with open(cached) as f:
            return json.load(f)
    except (OSError, ValueError):
        pass
    os.makedirs(cache_dir, exist_ok=True)
    suffix = ".c" if language == "c" else ".cpp"
    with tempfile.TemporaryDirectory(dir=cache_dir) as scratch:
        source = os.path.join(scratch, "garden_probe" + suffix)
        obj = os.path.join(scratch, "garden_probe.o")
        with open(source, "w") as f:
            f.write("int garden_probe_symbol;\n")
        args = ["-v", *flags, "-c", source, "-o", obj]
        run = subprocess.run([compiler, *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            return None
        given = " " + " ".join(emcc_quote(a) for a in args)
        lines = [line.strip() for line in run.stderr.splitlines() if line.endswith(given)]
        if len(lines) != 1 or not lines[0].startswith('"'):
            return None  # emcc changed the arguments, or ran more than one command
        clang, _, added = lines[0][:-len(given)].partition('" ')
        clang = clang[1:]
        if not os.path.isabs(clang) or any(c in added for c in "\"'\\"):
            return None
    command = [clang, *added.split(), *flags, "-c", "{source}", "-o", "{object}"]
    fd, partial = tempfile.mkstemp(dir=cache_dir, suffix=".partial")
    with os.fdopen(fd, "w") as f:
        json.dump(command, f)
    os.replace(partial, cached)  # atomic: parallel compiles may race to write it
    return command


def main(argv):
    cache_dir, compiler, args = argv[1], argv[2], argv[3:]
    command = [compiler, *args]
    parsed = None
    if os.environ.get("GARDEN_EMCC_DIRECT") != "0":
        parsed = split_arguments(expand_response_files(args))
    if parsed:
        flags, dependency, source, obj = parsed
        language = SOURCE_SUFFIXES[os.path.splitext(source)[1]]
        template = probe_command(cache_dir, compiler, language, flags)
        if template:
            command = [template[0], *dependency] + [
                source if word == "{source}" else obj if word == "{object}" else word
                for word in template[1:]]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
