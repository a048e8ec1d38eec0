package io.mallard.cli;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.Console;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mallard user add|passwd|remove|list}: manages the cluster's users by sending the SQL an admin would type
 * ({@code CREATE USER}, {@code GRANT}, {@code ALTER USER}, {@code DROP USER}, {@code SELECT … FROM mallard.users}). A
 * new password comes from {@code --new-password}, else the environment's {@code MALLARD_NEW_PASSWORD}, else it is asked
 * for twice on the terminal.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users: add, passwd, remove, list.",
        subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
final class UserCommand implements Runnable {
    /** What the coordinator takes as a user name without quotes. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.@-]{0,62}");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code mallard user add NAME [--role R] [--grant TABLE…]}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user, with a role or table grants.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Parameters(index = "0", description = "The new user's name.")
        String name;

        @Option(names = "--role", description = "admin, writer or reader (default: none, reading only granted tables).")
        String role;

        @Option(names = "--grant", split = ",", description = "Tables the user may read (GRANT SELECT ON … TO …).")
        List<String> tables = List.of();

        @Option(names = "--new-password", description = "The user's password (else MALLARD_NEW_PASSWORD, else asked).")
        String newPassword;

        @Override
        public Integer call() throws Exception {
            String user = checkedName(name);
            String password = newPassword(newPassword);
            try (MallardSqlClient client = MallardSqlClient.connect(connection.resolve(true))) {
                client.query("CREATE USER " + user + " WITH PASSWORD " + literal(password));
                if (role != null) {
                    client.query("GRANT " + checkedName(role) + " TO " + user);
                }
                for (String table : tables) {
                    client.query("GRANT SELECT ON " + checkedName(table) + " TO " + user);
                }
            }
            System.out.println("user " + user + " created" + (role == null ? "" : " with the " + role + " role")
                    + (tables.isEmpty() ? "" : ", reading " + String.join(", ", tables)));
            return 0;
        }
    }

    /** {@code mallard user passwd NAME}. */
    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Change a user's password (an admin's, or your own); the user's tokens stop working.")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Parameters(index = "0", description = "The user whose password changes.")
        String name;

        @Option(names = "--new-password", description = "The new password (else MALLARD_NEW_PASSWORD, else asked).")
        String newPassword;

        @Override
        public Integer call() throws Exception {
            String user = checkedName(name);
            String password = newPassword(newPassword);
            try (MallardSqlClient client = MallardSqlClient.connect(connection.resolve(true))) {
                client.query("ALTER USER " + user + " WITH PASSWORD " + literal(password));
            }
            System.out.println("password of " + user + " changed");
            return 0;
        }
    }

    /** {@code mallard user remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Drop a user; its tokens stop working.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Parameters(index = "0", description = "The user to drop.")
        String name;

        @Override
        public Integer call() throws Exception {
            String user = checkedName(name);
            try (MallardSqlClient client = MallardSqlClient.connect(connection.resolve(true))) {
                client.query("DROP USER " + user);
            }
            System.out.println("user " + user + " removed");
            return 0;
        }
    }

    /** {@code mallard user list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users, their roles and table grants.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            try (MallardSqlClient client = MallardSqlClient.connect(connection.resolve(true))) {
                List<List<Object>> rows = client.query(
                        "SELECT user_name, role, select_grants FROM mallard.users ORDER BY user_name").rows();
                System.out.printf("%-24s %-8s %s%n", "user", "role", "reads (granted tables)");
                for (List<Object> row : rows) {
                    List<?> grants = (List<?>) row.get(2);
                    System.out.printf("%-24s %-8s %s%n", row.get(0), row.get(1), grants.isEmpty() ? "-"
                            : String.join(", ", grants.stream().map(String::valueOf).toList()));
                }
            }
            return 0;
        }
    }

    /** A name sent without quotes, so it must be one the coordinator reads as a name (and nothing else). */
    static String checkedName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is not a name: letters, digits and "
                    + "_ . @ -, starting with a letter or _");
        }
        return name;
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String newPassword(String option) {
        String password = option != null ? option : System.getenv("MALLARD_NEW_PASSWORD");
        if (password == null) {
            Console console = System.console();
            if (console == null) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no new password: give --new-password, set "
                        + "MALLARD_NEW_PASSWORD or run on a terminal");
            }
            char[] first = console.readPassword("new password: ");
            char[] second = console.readPassword("again: ");
            try {
                if (first == null || !Arrays.equals(first, second)) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the passwords differ");
                }
                password = new String(first);
            } finally {
                if (first != null) {
                    Arrays.fill(first, '\0');
                }
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
            }
        }
        if (password.isEmpty()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "a password must not be empty");
        }
        return password;
    }
}
