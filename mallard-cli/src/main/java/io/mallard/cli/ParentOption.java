package io.mallard.cli;

import io.mallard.common.ParentWatch;
import picocli.CommandLine.Option;

/** Hidden: a process started by `mallard demo` or `mallard up` ends when its launcher is gone. */
final class ParentOption {
    @Option(names = "--exit-with-parent", hidden = true)
    Long parentPid;

    void apply() {
        if (parentPid != null) {
            ParentWatch.exitWhenGone(parentPid);
        }
    }
}
