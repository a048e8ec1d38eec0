package io.mallard.bench.report;

import io.mallard.common.security.ResourceLimits;
import java.lang.management.ManagementFactory;

/**
 * The machine a benchmark ran on, and how busy it was when it started: figures taken while other processes compete
 * for the cores are only comparable side by side.
 */
public record Machine(int cpus, long memoryBytes, String java, String os, double loadAverage) {
    public static Machine current() {
        ResourceLimits limits = ResourceLimits.detect();
        return new Machine(limits.cpus(), limits.memoryBytes(), System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
