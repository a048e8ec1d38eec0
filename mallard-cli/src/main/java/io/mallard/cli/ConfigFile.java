package io.mallard.cli;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE} for the server commands ({@code mallard coordinator}, {@code mallard worker}): a properties file
 * whose keys are the command's options without their dashes ({@code port = 31337}, {@code replicas = 2},
 * {@code insecure = false}, several values of a repeatable option separated by commas). The file's settings go in
 * front of the command line's arguments, so an option given on the command line wins. A key that is no option of the
 * command is an error that names it and the file: a typo never passes silently.
 */
final class ConfigFile {
    static final String OPTION = "--config";
    private static final List<String> COMMANDS = List.of("coordinator", "worker");

    private ConfigFile() {
    }

    /** The arguments with the config file's settings put in front of the subcommand's own; unchanged without one. */
    static String[] expand(CommandLine root, String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            return args;
        }
        Path file = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith(OPTION + "=")) {
                file = Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        if (file == null) {
            return args;
        }
        CommandLine command = root.getSubcommands().get(args[0]);
        List<String> expanded = new ArrayList<>(List.of(args[0]));
        expanded.addAll(settings(command, read(file), file, List.of(args)));
        expanded.addAll(List.of(args).subList(1, args.length));
        return expanded.toArray(String[]::new);
    }

    private static Properties read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read the config file " + file + ": "
                    + e.getMessage(), e);
        }
        return properties;
    }

    /** The settings as command-line arguments, in the file's key order made stable (sorted). */
    private static List<String> settings(CommandLine command, Properties properties, Path file, List<String> given) {
        Map<String, OptionSpec> options = new TreeMap<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!option.hidden() && !option.usageHelp() && !option.versionHelp() && !option.longestName().equals(OPTION)) {
                options.put(option.longestName().replaceFirst("^--", ""), option);
            }
        }
        List<String> args = new ArrayList<>();
        for (String key : new TreeMap<>(propertiesMap(properties)).keySet()) {
            OptionSpec option = options.get(key);
            if (option == null) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown key " + key + " in " + file + " (mallard "
                        + command.getCommandName() + " takes: " + String.join(", ", options.keySet()) + ")");
            }
            if (option.names().length > 0 && java.util.Arrays.stream(option.names())
                    .anyMatch(n -> given.stream().anyMatch(a -> a.equals(n) || a.startsWith(n + "=")))) {
                continue; // the command line says otherwise
            }
            String value = properties.getProperty(key).strip();
            if (option.arity().max == 0) { // a flag
                switch (value.toLowerCase(Locale.ROOT)) {
                    case "true" -> args.add(option.longestName());
                    case "false" -> {
                        // off is the default of every flag
                    }
                    default -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, key + " in " + file
                            + " is a flag: true or false, not " + value);
                }
            } else if (option.isMultiValue()) {
                for (String part : value.split(",")) {
                    args.addAll(List.of(option.longestName(), part.strip()));
                }
            } else {
                args.addAll(List.of(option.longestName(), value));
            }
        }
        return args;
    }

    private static Map<String, String> propertiesMap(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }
}
