# shellcheck shell=bash
# The system packages pyramidkv needs: oneDNN's runtime library libdnnl.so.2 to run, and for the tests
# also oneDNN's headers and gcc (the C probe of struct layouts), Maven and pip. Sourced by ./pyramidkv;
# tested by DnnlCheckTest with fake `id` and `apt-get` commands and a fake library directory.
#
#   pkv_ensure_dnnl         returns 0 when libdnnl.so.2 is found; as root installs Debian's libdnnl2 when
#                           it is missing; otherwise prints the command to run and returns 1.
#   pkv_ensure_test_deps    the same for everything `./pyramidkv test` needs.
#
# Where it looks: `ldconfig -p` (skipped when PYRAMIDKV_LDCONFIG is set to the empty string), then the
# directories in ${PYRAMIDKV_LIB_DIRS:-/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu}; the header at
# ${PYRAMIDKV_DNNL_HEADER:-/usr/include/oneapi/dnnl/dnnl.h} and gcc at ${PYRAMIDKV_GCC:-/usr/bin/gcc},
# the paths the tests use.

pkv_have_dnnl() {
    local ldconfig="${PYRAMIDKV_LDCONFIG-ldconfig}" dir dirs
    if [ -n "$ldconfig" ]; then
        command -v "$ldconfig" >/dev/null 2>&1 || ldconfig=/sbin/ldconfig
        if [ -x "$(command -v "$ldconfig")" ] && "$ldconfig" -p 2>/dev/null | grep -q 'libdnnl\.so\.2 '; then
            return 0
        fi
    fi
    IFS=: read -r -a dirs <<< "${PYRAMIDKV_LIB_DIRS:-/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu}"
    for dir in "${dirs[@]}"; do
        [ -n "$dir" ] && [ -e "$dir/libdnnl.so.2" ] && return 0
    done
    return 1
}

# pkv_install WHAT PACKAGE...: WHAT says what is missing ("oneDNN's libdnnl.so.2 is not installed").
# As root runs apt-get update and install once; otherwise prints the one command to run and returns 1.
pkv_install() {
    local what="$1"
    shift
    if [ "$(id -u)" != 0 ]; then
        local them=it
        [ $# -gt 1 ] && them=them
        echo "pyramidkv: $what; install $them with: sudo apt-get install $*" >&2
        return 1
    fi
    echo "pyramidkv: $what; installing $* (apt-get update; apt-get install -y $*)" >&2
    local log
    log=$(mktemp)
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; } >"$log" 2>&1; then
        tail -n 5 "$log" >&2
        rm -f "$log"
        echo "pyramidkv: installing $* failed (apt-get output above)" >&2
        return 1
    fi
    rm -f "$log"
}

pkv_ensure_dnnl() {
    pkv_have_dnnl && return 0
    pkv_install "oneDNN's libdnnl.so.2 is not installed" libdnnl2 || return 1
    if ! pkv_have_dnnl; then
        echo "pyramidkv: apt-get installed libdnnl2 but libdnnl.so.2 is still not found" >&2
        return 1
    fi
}

# Prints the Debian packages the tests need that are missing, one line, empty when none is.
pkv_missing_test_packages() {
    local need=()
    pkv_have_dnnl || need+=(libdnnl2)
    [ -e "${PYRAMIDKV_DNNL_HEADER:-/usr/include/oneapi/dnnl/dnnl.h}" ] || need+=(libdnnl-dev)
    [ -x "${PYRAMIDKV_GCC:-/usr/bin/gcc}" ] || need+=(gcc)
    command -v mvn >/dev/null 2>&1 || need+=(maven)
    "${PYRAMIDKV_PYTHON:-python3}" -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
    echo "${need[*]}"
}

pkv_ensure_test_deps() {
    local need
    need=$(pkv_missing_test_packages)
    [ -z "$need" ] && return 0
    # shellcheck disable=SC2086 # one package per word
    pkv_install "the tests need $need, not installed" $need || return 1
    need=$(pkv_missing_test_packages)
    if [ -n "$need" ]; then
        echo "pyramidkv: apt-get ran but the tests still lack $need" >&2
        return 1
    fi
}
