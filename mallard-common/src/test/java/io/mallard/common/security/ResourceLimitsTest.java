package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceLimitsTest {
    private static final int HOST_CPUS = 16;
    private static final long HOST_MEMORY = 64L << 30;

    @TempDir Path root;

    @Test
    void cgroupV2LimitsApply() throws IOException {
        write("cpu.max", "150000 100000\n");
        write("memory.max", "2147483648\n");
        assertThat(detect()).isEqualTo(new ResourceLimits(2, 2L << 30));
    }

    @Test
    void cgroupV2MaxMeansTheHostsResources() throws IOException {
        write("cpu.max", "max 100000\n");
        write("memory.max", "max\n");
        assertThat(detect()).isEqualTo(new ResourceLimits(HOST_CPUS, HOST_MEMORY));
    }

    @Test
    void aFractionOfOneCpuIsOneCpu() throws IOException {
        write("cpu.max", "20000 100000\n");
        assertThat(detect().cpus()).isEqualTo(1);
    }

    @Test
    void limitsAboveTheHostAreCappedAtTheHost() throws IOException {
        write("cpu.max", "6400000 100000\n");
        write("memory.max", Long.toString(HOST_MEMORY * 2));
        assertThat(detect()).isEqualTo(new ResourceLimits(HOST_CPUS, HOST_MEMORY));
    }

    @Test
    void cgroupV1LimitsApply() throws IOException {
        write("cpu,cpuacct/cpu.cfs_quota_us", "400000\n");
        write("cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        write("memory/memory.limit_in_bytes", "1073741824\n");
        assertThat(detect()).isEqualTo(new ResourceLimits(4, 1L << 30));
    }

    @Test
    void cgroupV1UnlimitedMeansTheHostsResources() throws IOException {
        write("cpu/cpu.cfs_quota_us", "-1\n");
        write("cpu/cpu.cfs_period_us", "100000\n");
        write("memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertThat(detect()).isEqualTo(new ResourceLimits(HOST_CPUS, HOST_MEMORY));
    }

    @Test
    void noCgroupFilesMeansTheHostsResources() {
        assertThat(detect()).isEqualTo(new ResourceLimits(HOST_CPUS, HOST_MEMORY));
        assertThat(ResourceLimits.detect(root.resolve("absent"), 3, 1000)).isEqualTo(new ResourceLimits(3, 1000));
    }

    @Test
    void unreadableFilesAreIgnored() throws IOException {
        write("cpu.max", "lots\n");
        write("memory.max", "plenty\n");
        assertThat(detect()).isEqualTo(new ResourceLimits(HOST_CPUS, HOST_MEMORY));
    }

    @Test
    void theRunningProcessHasAtLeastOneCpuAndSomeMemory() {
        ResourceLimits limits = ResourceLimits.detect();
        assertThat(limits.cpus()).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThat(limits.memoryBytes()).isPositive();
    }

    private ResourceLimits detect() {
        return ResourceLimits.detect(root, HOST_CPUS, HOST_MEMORY);
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
