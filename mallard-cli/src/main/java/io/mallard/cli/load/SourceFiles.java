package io.mallard.cli.load;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files {@code mallard load} is given: paths, or globs ({@code data/*.parquet}, {@code logs/**.csv}) that the shell
 * did not expand. Every file must exist and be readable, every glob must match a file; each file is loaded once, globs
 * in sorted order.
 */
final class SourceFiles {
    private SourceFiles() {
    }

    static List<Path> expand(List<String> arguments) {
        if (arguments.isEmpty()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "name at least one file to load");
        }
        Set<Path> files = new LinkedHashSet<>();
        for (String argument : arguments) {
            if (isGlob(argument)) {
                List<Path> matched = matches(argument);
                if (matched.isEmpty()) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no file matches " + argument);
                }
                files.addAll(matched);
            } else {
                files.add(checked(Path.of(argument)));
            }
        }
        return List.copyOf(files);
    }

    private static boolean isGlob(String argument) {
        return argument.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static Path checked(Path file) {
        if (!Files.exists(file)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no such file: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, file + " is a directory; name its files, for example "
                    + file.resolve("*.parquet"));
        }
        if (!Files.isReadable(file)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read " + file + " (permission denied)");
        }
        return file.toAbsolutePath().normalize();
    }

    /** Files under the glob's fixed leading directories that match it, sorted. */
    private static List<Path> matches(String glob) {
        Path pattern = Path.of(glob).toAbsolutePath().normalize();
        Path base = pattern.getRoot();
        int fixed = 0;
        for (Path part : pattern) {
            if (isGlob(part.toString()) || fixed == pattern.getNameCount() - 1) {
                break;
            }
            base = base.resolve(part);
            fixed++;
        }
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = glob.contains("**") ? Integer.MAX_VALUE : pattern.getNameCount() - fixed;
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base, depth)) {
            walk.filter(Files::isRegularFile).filter(matcher::matches).sorted().forEach(p -> found.add(checked(p)));
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "listing the files of " + glob + ": " + e.getMessage(), e);
        }
        return found;
    }
}
