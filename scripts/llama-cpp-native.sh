#!/usr/bin/env bash
# Builds the speed peer: a current native llama.cpp (llama-bench, llama-server) for this CPU, from the
# llama.cpp sources vendored in PyPI's llama-cpp-python sdist (the version below), into
# ~/.cache/pyramidkv/llama.cpp-native-<version>/. About 8 minutes on two quiet cores; prints the bin directory.
# (The parity peer is another thing: b4916's AVX2 build inside the de.kherud:llama jar, used by the tests.)
set -euo pipefail
VERSION=0.3.36
DEST="${PYRAMIDKV_HOME:-$HOME/.cache/pyramidkv}/llama.cpp-native-$VERSION"
BIN="$DEST/src/vendor/llama.cpp/build/bin"
if [ -x "$BIN/llama-bench" ] && [ -x "$BIN/llama-server" ]; then echo "$BIN"; exit 0; fi
for tool in pip3 cmake ninja g++; do
    command -v "$tool" >/dev/null || { echo "llama-cpp-native: $tool is missing (Debian: apt-get install python3-pip cmake ninja-build g++)" >&2; exit 1; }
done
mkdir -p "$DEST"
pip3 download --no-deps --no-binary :all: "llama-cpp-python==$VERSION" -d "$DEST" >&2
rm -rf "$DEST/src" && mkdir "$DEST/src"
tar xzf "$DEST/llama_cpp_python-$VERSION.tar.gz" -C "$DEST/src" --strip-components=1
cd "$DEST/src/vendor/llama.cpp"
# GGML_NATIVE: this CPU's widest ISA (AVX-512, VNNI, bf16, AMX where present); no curl or TLS: local files only
cmake -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cmake --build build -j"$(nproc)" --target llama-bench llama-server >&2
echo "$BIN"
