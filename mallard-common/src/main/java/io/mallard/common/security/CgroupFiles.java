package io.mallard.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads CPU and memory limits from a cgroup v2 or v1 tree; absent or "max" means unlimited. */
final class CgroupFiles {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupFiles.class);
    // cgroup v1 mounts the cpu controller under one of these names, depending on the distribution.
    private static final List<String> V1_CPU_DIRS = List.of("cpu", "cpu,cpuacct", "cpuacct,cpu");

    private CgroupFiles() {}

    /** The CPU quota in whole CPUs, rounded up; empty when unlimited or unknown. */
    static OptionalInt cpuLimit(Path root) {
        Path cpuMaxFile = root.resolve("cpu.max");
        Optional<String> cpuMax = read(cpuMaxFile);
        if (cpuMax.isPresent()) {
            String[] fields = cpuMax.get().split("\\s+"); // "<quota|max> <period>"
            if (fields[0].equals("max")) {
                return OptionalInt.empty();
            }
            if (fields.length != 2) {
                LOG.warn("ignoring unreadable CPU limit '{}' in {}", cpuMax.get(), cpuMaxFile);
                return OptionalInt.empty();
            }
            return cpus(fields[0], fields[1], cpuMaxFile);
        }
        for (String dir : V1_CPU_DIRS) {
            Optional<String> quota = read(root.resolve(dir).resolve("cpu.cfs_quota_us"));
            Optional<String> period = read(root.resolve(dir).resolve("cpu.cfs_period_us"));
            if (quota.isPresent() && period.isPresent()) {
                return cpus(quota.get(), period.get(), root.resolve(dir).resolve("cpu.cfs_quota_us")); // -1: unlimited
            }
        }
        return OptionalInt.empty();
    }

    /** The memory limit in bytes; empty when unlimited or unknown. */
    static OptionalLong memoryLimit(Path root) {
        Path v2 = root.resolve("memory.max");
        Path v1 = root.resolve("memory").resolve("memory.limit_in_bytes");
        Path file = Files.isRegularFile(v2) ? v2 : v1;
        Optional<String> value = read(file);
        if (value.isEmpty() || value.get().equals("max")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get()));
        } catch (NumberFormatException e) {
            LOG.warn("ignoring unreadable memory limit '{}' in {}", value.get(), file);
            return OptionalLong.empty();
        }
    }

    private static OptionalInt cpus(String quotaText, String periodText, Path file) {
        try {
            long quota = Long.parseLong(quotaText);
            long period = Long.parseLong(periodText);
            if (quota <= 0 || period <= 0) {
                return OptionalInt.empty();
            }
            long cpus = quota / period + (quota % period == 0 ? 0 : 1); // a fractional CPU still needs a thread
            return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, cpus));
        } catch (NumberFormatException e) {
            LOG.warn("ignoring unreadable CPU limit '{} {}' in {}", quotaText, periodText, file);
            return OptionalInt.empty();
        }
    }

    private static Optional<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file).trim());
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }
}
