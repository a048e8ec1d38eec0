package io.mallard.coordinator.imports;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.store.S3ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one statement: the names it reads, checked by the {@link ImportRules} and turned into local files the
 * table writer may read: real paths in the import directory, or objects of the S3 import source downloaded into a
 * directory of this statement (object keys kept as paths, so hive-style {@code key=value/} parts still read), which
 * {@link #close()} deletes.
 */
public final class ImportSession implements SourceFiles, AutoCloseable {
    /** Most files one statement may read (a pattern that matches more is refused). */
    static final int MAX_FILES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ImportSession.class);

    private final ImportRules rules;
    private final S3ObjectReader s3;
    private final Path dir;
    /** Local file → the name the statement used for it, for messages. */
    private final Map<String, String> named = new LinkedHashMap<>();
    private final Map<String, Path> downloads = new HashMap<>();

    ImportSession(ImportRules rules, S3ObjectReader s3, Path downloads) {
        this.rules = rules;
        this.s3 = s3;
        this.dir = downloads.resolve(UUID.randomUUID().toString());
    }

    /**
     * The local files {@code name} stands for (one file, or every match of a pattern, in name order).
     *
     * @param position where the name is in the statement, for errors
     */
    @Override
    public List<Path> files(String name, int position) {
        ImportRules.Source source = rules.classify(name, position);
        try {
            List<Path> files = source instanceof ImportRules.S3Source object ? objects(object, position)
                    : local((ImportRules.LocalSource) source, position);
            if (files.isEmpty()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no file matches '" + name + "'", position, null);
            }
            return files;
        } catch (NoSuchFileException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read '" + name + "': " + reason(e), position, e);
        } catch (AccessDeniedException e) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "cannot read '" + name + "': " + reason(e), position, e);
        } catch (IOException | UncheckedIOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "cannot read '" + name + "': " + e.getMessage(), position, e);
        }
    }

    /**
     * {@code e} with the local paths of downloaded objects replaced by the objects' names and without a position (it
     * would point into the statement as rewritten, not as written).
     */
    public MallardException restore(MallardException e) {
        String message = e.getMessage();
        for (Map.Entry<String, String> file : named.entrySet()) {
            message = message.replace(file.getKey(), file.getValue());
        }
        return new MallardException(e.code(), message, e);
    }

    private List<Path> local(ImportRules.LocalSource source, int position) throws IOException {
        Path pattern = source.path();
        if (!Glob.hasWildcards(pattern.toString())) {
            if (!Files.exists(pattern)) {
                throw new NoSuchFileException(pattern.toString(), null, "no such file");
            }
            if (!Files.isRegularFile(pattern)) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read '" + source.named() + "': not a file",
                        position, null);
            }
            return List.of(inDirectory(source, pattern, position));
        }
        Path base = pattern.getRoot();
        int literal = 0;
        while (literal < pattern.getNameCount() && !Glob.hasWildcards(pattern.getName(literal).toString())) {
            base = base.resolve(pattern.getName(literal));
            literal++;
        }
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        Path rest = pattern.subpath(literal, pattern.getNameCount());
        Glob glob = Glob.of(rest.toString().replace('\\', '/'));
        int depth = rest.toString().contains("**") ? Integer.MAX_VALUE : rest.getNameCount();
        List<Path> matches = new ArrayList<>();
        Path from = base;
        try (Stream<Path> walk = Files.walk(base, depth)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)
                    .filter(p -> glob.matches(from.relativize(p).toString().replace('\\', '/'))).sorted()::iterator) {
                if (matches.size() == MAX_FILES) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "more than " + MAX_FILES + " files match '"
                            + source.named() + "'; load them in several statements", position, null);
                }
                matches.add(inDirectory(source, p, position));
            }
        }
        return matches;
    }

    /** The real path of {@code file}, which must lie in the import directory also after symbolic links are followed. */
    private Path inDirectory(ImportRules.LocalSource source, Path file, int position) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(rules.realDirectory())) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "cannot read '" + source.named() + "': " + file
                    + " leads outside the import directory (a symbolic link)", position, null);
        }
        return real;
    }

    private List<Path> objects(ImportRules.S3Source source, int position) throws IOException {
        List<S3ObjectReader.Listed> objects;
        if (Glob.hasWildcards(source.key())) {
            Glob glob = Glob.of(source.key());
            objects = s3.list(source.bucket(), glob.literalPrefix(), glob::matches, MAX_FILES);
        } else {
            objects = List.of(s3.head(source.bucket(), source.key()));
        }
        List<Path> files = new ArrayList<>();
        for (S3ObjectReader.Listed object : objects) {
            Path done = downloads.get(object.uri());
            if (done == null) {
                done = target(object, position);
                Files.createDirectories(done.getParent());
                s3.download(object, done);
                downloads.put(object.uri(), done);
                named.put(done.toString(), object.uri());
            }
            files.add(done);
        }
        return files;
    }

    /** {@code <statement dir>/<bucket>/<key>}: keys keep their parts, so patterns and hive partitions still apply. */
    private Path target(S3ObjectReader.Listed object, int position) {
        Path bucketDir = dir.resolve(object.bucket());
        Path target = bucketDir;
        for (String part : object.key().split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0
                    || part.indexOf('\\') >= 0) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read " + object.uri() + ": its key has a "
                        + "part that cannot be a local file name (empty, '.', '..', or with a backslash)", position, null);
            }
            target = target.resolve(part);
        }
        return target;
    }

    private static String reason(java.nio.file.FileSystemException e) {
        return e.getReason() == null ? e.getMessage() : e.getReason();
    }

    /**
     * Deletes what this statement downloaded. A failure to delete does not fail the statement: the coordinator empties
     * the download directory when it starts.
     */
    @Override
    public void close() {
        try {
            deleteTree(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("{}; the coordinator deletes them when it starts again", e.getMessage());
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the downloads in " + root + ": " + e.getMessage(), e);
        }
    }
}
