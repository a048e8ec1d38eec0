package io.mallard.common.security;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;

/**
 * The CPUs and memory this process may use: the cgroup v2 limits ({@code cpu.max},
 * {@code memory.max}), else the cgroup v1 ones ({@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us},
 * {@code memory.limit_in_bytes}), else the machine's processors and physical memory. A limit
 * above what the machine has is capped at the machine's; {@code cpus} is at least 1.
 */
public record ResourceLimits(int cpus, long memoryBytes) {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** Validates that both values are positive. */
    public ResourceLimits {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1, got " + cpus);
        }
        if (memoryBytes < 1) {
            throw new IllegalArgumentException("memoryBytes must be positive, got " + memoryBytes);
        }
    }

    /** Detects the limits of the running process. */
    public static ResourceLimits detect() {
        return detect(CGROUP_ROOT, Runtime.getRuntime().availableProcessors(), physicalMemory());
    }

    /** Detects the limits from the cgroup tree at {@code cgroupRoot}, capped by the fallbacks. */
    static ResourceLimits detect(Path cgroupRoot, int fallbackCpus, long fallbackMemory) {
        int cpus = Math.max(1, fallbackCpus);
        var cpuLimit = CgroupFiles.cpuLimit(cgroupRoot);
        if (cpuLimit.isPresent()) {
            cpus = Math.max(1, Math.min(cpus, cpuLimit.getAsInt()));
        }
        long memory = fallbackMemory;
        var memoryLimit = CgroupFiles.memoryLimit(cgroupRoot);
        if (memoryLimit.isPresent() && memoryLimit.getAsLong() > 0) {
            memory = Math.min(memory, memoryLimit.getAsLong());
        }
        return new ResourceLimits(cpus, memory);
    }

    private static long physicalMemory() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getTotalMemorySize() > 0) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory(); // not a HotSpot-style JVM: the heap is what we know
    }
}
