package io.mallard.bench.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux network namespace joined to this host's by a veth pair, for cutting one process off the network: a process
 * started in it (see {@link #wrap}) reaches this host at {@link #hostAddress()}; {@link #cut()} takes the host's end
 * of the link down, so that packets vanish in both directions as with a pulled cable (no reset, no error at once), and
 * {@link #restore()} brings it back. Needs root and the {@code ip} tool ({@link #available()}); {@link #close()}
 * deletes the namespace and the link.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final String name;
    private final String hostLink;
    private final String hostAddress;
    private final String namespaceAddress;

    private NetworkNamespace(String name, String hostLink, String hostAddress, String namespaceAddress) {
        this.name = name;
        this.hostLink = hostLink;
        this.hostAddress = hostAddress;
        this.namespaceAddress = namespaceAddress;
    }

    /** Whether namespaces can be made here: running as root with the {@code ip} tool. Says why not, or null. */
    public static String unavailableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (running as " + System.getProperty("user.name") + ")";
        }
        try {
            run("ip", "-V");
        } catch (RuntimeException e) {
            return "the ip tool is missing: " + e.getMessage();
        }
        return null;
    }

    public static boolean available() {
        return unavailableBecause() == null;
    }

    /** A new namespace with its link up; the names and the /30 subnet are unique to this process and call. */
    public static NetworkNamespace create() {
        long pid = ProcessHandle.current().pid();
        int n = NEXT.getAndIncrement();
        String tag = Long.toString(pid % 100_000) + "x" + n;
        String name = "mallard-" + tag;
        String hostLink = "mh" + tag; // interface names: at most 15 characters
        String nsLink = "mn" + tag;
        // 10.213.0.0/16, one /30 per namespace: host .1, namespace .2
        int block = (int) ((pid * 7 + n * 131) % 16_384);
        String prefix = "10.213." + (block / 64) + ".";
        int base = (block % 64) * 4;
        String hostAddress = prefix + (base + 1);
        String nsAddress = prefix + (base + 2);
        NetworkNamespace ns = new NetworkNamespace(name, hostLink, hostAddress, nsAddress);
        try {
            run("ip", "netns", "add", name);
            run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", nsLink);
            run("ip", "link", "set", nsLink, "netns", name);
            run("ip", "addr", "add", hostAddress + "/30", "dev", hostLink);
            run("ip", "link", "set", hostLink, "up");
            run("ip", "netns", "exec", name, "ip", "addr", "add", nsAddress + "/30", "dev", nsLink);
            run("ip", "netns", "exec", name, "ip", "link", "set", nsLink, "up");
            run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** This host's address as seen from inside the namespace (the host's end of the link). */
    public String hostAddress() {
        return hostAddress;
    }

    /** The namespace's own address. */
    public String namespaceAddress() {
        return namespaceAddress;
    }

    /** A command line that runs {@code command} inside the namespace. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", name));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Cuts the link: packets in either direction vanish. */
    public void cut() {
        run("ip", "link", "set", hostLink, "down");
    }

    /** Restores the link. */
    public void restore() {
        run("ip", "link", "set", hostLink, "up");
    }

    @Override
    public void close() {
        try {
            run("ip", "netns", "del", name);
        } catch (RuntimeException e) {
            // not created, or gone already
        }
        try {
            run("ip", "link", "del", hostLink); // deleting the namespace normally takes the pair with it
        } catch (RuntimeException e) {
            // gone with the namespace
        }
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
