/* Prints what the compiler's CPUID-based detection says about this CPU, one "name 0|1" per line,
 * for CpuFeaturesTest to compare with what we read from /proc/cpuinfo. */
#include <stdio.h>

#define FEATURE(name) printf("%s %d\n", name, __builtin_cpu_supports(name) ? 1 : 0);

int main(void) {
    __builtin_cpu_init();
    FEATURE("avx512f")
    FEATURE("avx512bf16")
    FEATURE("avx512vnni")
    FEATURE("avx2")
    FEATURE("fma")
    return 0;
}
