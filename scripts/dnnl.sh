# shellcheck shell=bash
# Making sure oneDNN's runtime library libdnnl.so.2 is present. Sourced by ./pyramidkv and .ci/run;
# tested by DnnlCheckTest with fake `id` and `apt-get` commands and a fake library directory.
#
#   pkv_ensure_dnnl   returns 0 when libdnnl.so.2 is found; as root installs Debian's libdnnl2 when it
#                     is missing; otherwise prints the command to run and returns 1.
#
# Where it looks: `ldconfig -p` (skipped when PYRAMIDKV_LDCONFIG is set to the empty string), then the
# directories in ${PYRAMIDKV_LIB_DIRS:-/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu}.

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

pkv_ensure_dnnl() {
    pkv_have_dnnl && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "pyramidkv: oneDNN's libdnnl.so.2 is not installed; install it with: sudo apt-get install libdnnl2" >&2
        return 1
    fi
    echo "pyramidkv: oneDNN's libdnnl.so.2 is not installed; installing Debian's libdnnl2 (apt-get update; apt-get install -y libdnnl2)" >&2
    local log
    log=$(mktemp)
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libdnnl2; } >"$log" 2>&1; then
        tail -n 5 "$log" >&2
        rm -f "$log"
        echo "pyramidkv: installing libdnnl2 failed (apt-get output above)" >&2
        return 1
    fi
    rm -f "$log"
    if ! pkv_have_dnnl; then
        echo "pyramidkv: apt-get installed libdnnl2 but libdnnl.so.2 is still not found" >&2
        return 1
    fi
}
