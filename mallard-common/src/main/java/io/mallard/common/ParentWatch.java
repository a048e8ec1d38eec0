package io.mallard.common;

import java.util.Optional;

/** Ends this process when the process that launched it is gone, so a killed launcher leaves no orphans behind. */
public final class ParentWatch {
    private ParentWatch() {
    }

    public static void exitWhenGone(long parentPid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        Thread watch = new Thread(() -> {
            while (parent.isPresent() && parent.get().isAlive()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(3);
        }, "mallard-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
