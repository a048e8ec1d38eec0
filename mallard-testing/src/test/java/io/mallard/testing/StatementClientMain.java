package io.mallard.testing;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import java.nio.file.Path;

/**
 * A client in a process of its own, for tests that kill a client mid-statement: connects as the admin (password in
 * {@code MALLARD_PASSWORD}) and runs one statement. Arguments: {@code PORT CA_FILE SQL}.
 */
public final class StatementClientMain {
    private StatementClientMain() {
    }

    public static void main(String[] args) {
        try (MallardSqlClient client = MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", Integer.parseInt(args[0]),
                "admin", System.getenv("MALLARD_PASSWORD"), Path.of(args[1])))) {
            System.out.println("sending: " + args[2]);
            System.out.println("answer: " + client.query(args[2]).rows());
        }
    }
}
