package io.mallard.testing.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.rows.QueryRows;
import io.mallard.common.security.TlsMaterial;
import io.mallard.oracle.Oracle;
import io.mallard.testing.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser (headless Chromium through Selenium) against a real cluster: a wrong password is
 * refused, the admin logs in, a query's rows equal the single-DuckDB oracle's, a parse error is marked where it is, a
 * long query shows its progress and is cancelled, the plan is drawn whole, the CSV download holds every row, and the
 * cluster view shows the workers, tables and queries. A screenshot of each page goes to {@code target/screenshots/}.
 * One cluster and one browser serve every step, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageTest {
    /** Every task of the one worker waits this long: distributed queries run long enough to watch and to cancel. */
    private static final long TASK_DELAY_MILLIS = 1_500;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Distributed (pushed-down aggregation), with a NULL in every row of one group. */
    private static final String QUERY = "SELECT l_returnflag, l_linestatus, count(*) AS n, sum(l_quantity)::BIGINT AS qty, "
            + "max(CASE WHEN l_returnflag = 'R' THEN NULL ELSE l_shipdate END) AS last_ship "
            + "FROM lineitem GROUP BY ALL ORDER BY ALL";

    private static LocalCluster cluster;
    private static ChromeDriver browser;
    private static WebDriverWait wait;
    private static Path profile;
    private static String web;

    @BeforeAll
    static void start() throws Exception {
        Chromium.ensureInstalled();
        cluster = LocalCluster.builder().shards(2).workers(0).build();
        try {
            cluster.addWorker(false, TASK_DELAY_MILLIS);
            cluster.awaitAllShardsServed(120_000);
            web = cluster.coordinator().webUrl();
            profile = Files.createTempDirectory("mallard-chromium-");
            browser = Chromium.start(profile);
            wait = new WebDriverWait(browser, WAIT);
            Files.createDirectories(SCREENSHOTS);
        } catch (Exception | AssertionError e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (profile != null) {
                    try (Stream<Path> files = Files.walk(profile)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    @Test
    @Order(1)
    void anonymousCallsAreRefusedAndCrossSiteCallsNeedThePagesHeader() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.clientSslContext(cluster.caCertificate())).build();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(web + "api/me"))
                .header("X-Mallard-Web", "1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("AUTHENTICATION_FAILED");
        HttpResponse<String> noHeader = http.send(HttpRequest.newBuilder(URI.create(web + "api/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + cluster.adminPassword()
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noHeader.statusCode()).as("a login without the page's header").isEqualTo(403);
        assertThat(noHeader.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(web + "api/login"))
                .header("X-Mallard-Web", "1").POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\""
                        + cluster.adminPassword() + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> change = http.send(HttpRequest.newBuilder(URI.create(web + "api/download"))
                .header("X-Mallard-Web", "1").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"DELETE FROM region\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(change.statusCode()).as("a download runs its statement again: changes are refused").isEqualTo(400);
        assertThat(change.body()).contains("INVALID_ARGUMENT").contains("only a statement that reads");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(web + "api/logout")).header("X-Mallard-Web", "1")
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(web)).build(), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'"));
    }

    /**
     * A POST refused before its body was read, then another call on the same connection, many times: each is answered
     * (the server once read the refused body after answering and could take the next request's bytes with it, which
     * then waited for the connection's 30 s idle timeout; seen in CI).
     */
    @Test
    @Order(1)
    void aRefusedPostLeavesItsConnectionReadyForTheNextCall() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.clientSslContext(cluster.caCertificate())).build();
        String login = "{\"user\":\"admin\",\"password\":\"" + cluster.adminPassword() + "\"}";
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(web + "api/login"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(login)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as("a login without the page's header").isEqualTo(403);
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(web + "api/me"))
                    .timeout(Duration.ofSeconds(10)).header("X-Mallard-Web", "1").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).as("the call after it, round %d", i).isEqualTo(401);
        }
    }

    @Test
    @Order(2)
    void aWrongPasswordIsRefusedAndTheAdminLogsIn() throws Exception {
        browser.get(web);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.findElement(By.id("user")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("not-the-password");
        browser.findElement(By.id("login-button")).click();
        WebElement refused = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(refused.getText()).contains("AUTHENTICATION_FAILED").contains("wrong user name or password");
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        screenshot("login");

        browser.findElement(By.id("user")).clear();
        browser.findElement(By.id("user")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(cluster.adminPassword());
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("admin (admin)");
        assertThat(browser.manage().getCookieNamed("mallard_session").isHttpOnly()).isTrue();
        assertThat(browser.manage().getCookieNamed("mallard_session").isSecure()).isTrue();
        assertThat(browser.manage().getCookieNamed("mallard_session").getSameSite()).isEqualTo("Strict");
        assertThat((Boolean) js("return document.cookie.includes('mallard_session')")).as("the token is HttpOnly")
                .isFalse();
    }

    @Test
    @Order(3)
    void aQueryShowsTheOraclesRowsWithTypesAndNulls() throws Exception {
        setSql(QUERY);
        browser.findElement(By.id("run")).click();
        awaitStatus("finished");
        assertThat(browser.findElement(By.id("progress")).isDisplayed()).as("no progress bar once finished").isFalse();
        screenshot("query");
        @SuppressWarnings("unchecked")
        List<List<String>> shown = (List<List<String>>) js("return [...document.querySelectorAll('#result-table tbody tr')]"
                + ".map(tr => [...tr.cells].map(td => td.textContent))");
        @SuppressWarnings("unchecked")
        List<String> header = (List<String>) js("return [...document.querySelectorAll('#result-table th')]"
                + ".map(th => th.firstChild.textContent + ' ' + th.querySelector('.type').textContent)");
        assertThat(header).containsExactly("l_returnflag VARCHAR", "l_linestatus VARCHAR", "n BIGINT", "qty BIGINT",
                "last_ship DATE");
        try (Oracle oracle = new Oracle(cluster.oracleFile())) {
            QueryRows expected = oracle.query(QUERY);
            List<List<String>> rows = new ArrayList<>();
            for (List<Object> row : expected.rows()) {
                rows.add(row.stream().map(v -> v == null ? "NULL" : v.toString()).toList());
            }
            assertThat(shown).isEqualTo(rows);
            assertThat(rows).anyMatch(r -> r.contains("NULL"));
        }
        assertThat(browser.findElement(By.id("page-info")).getText()).isEqualTo("rows 1–" + shown.size() + " of "
                + shown.size());
        assertThat(browser.findElements(By.cssSelector("#history li")).get(0).getText()).startsWith("SELECT l_returnflag");
    }

    @Test
    @Order(4)
    void theCsvDownloadHoldsEveryRow() throws Exception {
        Object csv = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/download', {method: 'POST', headers: {'X-Mallard-Web': '1', 'Content-Type': "
                + "'application/json'}, body: JSON.stringify({sql: arguments[0]})}).then(r => r.json())"
                + ".then(t => fetch(t.url)).then(r => r.text()).then(done, e => done('failed: ' + e))", QUERY);
        try (Oracle oracle = new Oracle(cluster.oracleFile())) {
            List<String> lines = new ArrayList<>(List.of("l_returnflag,l_linestatus,n,qty,last_ship"));
            for (List<Object> row : oracle.query(QUERY).rows()) {
                lines.add(String.join(",", row.stream().map(v -> v == null ? "" : v.toString()).toList()));
            }
            // the page writes CRLF (RFC 4180); how the browser hands the text over is not the point here
            assertThat(((String) csv).split("\r?\n")).containsExactlyElementsOf(lines);
        }
    }

    @Test
    @Order(4)
    void theParquetDownloadHoldsTheOraclesRows() throws Exception {
        Object base64 = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/download', {method: 'POST', headers: {'X-Mallard-Web': '1', 'Content-Type': "
                + "'application/json'}, body: JSON.stringify({sql: arguments[0], format: 'parquet'})}).then(r => r.json())"
                + ".then(t => fetch(t.url)).then(r => r.arrayBuffer()).then(b => {"
                + "let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); done(btoa(s)); },"
                + "e => done('failed: ' + e))", QUERY);
        Path file = Files.createTempFile(Path.of("target"), "web-download-", ".parquet");
        try (Oracle oracle = new Oracle(cluster.oracleFile())) {
            Files.write(file, java.util.Base64.getDecoder().decode((String) base64));
            QueryRows downloaded = oracle.query("SELECT * FROM read_parquet('" + file.toAbsolutePath() + "')");
            assertThat(oracle.difference(QUERY, downloaded)).isEmpty();
            assertThat(downloaded.rows()).hasSize(oracle.query(QUERY).rows().size());
        } finally {
            Files.deleteIfExists(file);
        }
        Path downloads = cluster.coordinator().config().spillDir().resolve("web-downloads");
        try (Stream<Path> left = Files.list(downloads)) {
            assertThat(left).as("the download's temporary files are gone").isEmpty();
        }
    }

    @Test
    @Order(5)
    void theSelectionRunsAndAParseErrorIsMarkedWhereItIs() throws Exception {
        setSql("SELECT 42 AS answer;\nSELECT count(*)\nFORM lineitem");
        js("document.querySelector('.CodeMirror').CodeMirror.setSelection({line: 0, ch: 0}, {line: 0, ch: 19})");
        browser.findElement(By.id("run")).click();
        awaitStatus("finished");
        assertThat(browser.findElement(By.cssSelector("#result-table th")).getText()).startsWith("answer");
        assertThat(browser.findElement(By.cssSelector("#result-table td")).getText()).isEqualTo("42");

        js("const cm = document.querySelector('.CodeMirror').CodeMirror; cm.focus();"
                + "cm.setSelection({line: 1, ch: 0}, {line: 2, ch: 13})"); // the second statement, in the editor's focus
        new Actions(browser).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform(); // Ctrl-Enter runs it
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(error.getText()).startsWith("SYNTAX_ERROR: ").contains("\"lineitem\"").endsWith("(line 3, column 6)");
        assertThat(browser.findElement(By.cssSelector(".cm-error-mark")).getText()).isEqualTo("lineitem");
        screenshot("error");
    }

    @Test
    @Order(6)
    void aLongQueryShowsItsProgressAndIsCancelled() throws Exception {
        String marker = UUID.randomUUID().toString();
        setSql("SELECT count(*) FROM lineitem WHERE l_comment <> '" + marker + "'");
        browser.findElement(By.id("run")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("progress")));
        wait.until(ExpectedConditions.textMatches(By.id("progress-text"), java.util.regex.Pattern.compile("/2 shards")));
        WebElement cancel = wait.until(ExpectedConditions.elementToBeClickable(By.id("cancel")));
        screenshot("progress");
        assertThat(cluster.coordinator().activeQueries()).as("the query runs on the worker").isEqualTo(1);
        cancel.click();
        awaitStatus("cancelled");
        assertThat(browser.findElement(By.id("error")).getText()).startsWith("QUERY_CANCELLED");
        wait.until(d -> cluster.coordinator().activeQueries() == 0);
        try (var client = cluster.sqlClient()) {
            QueryRows history = client.query("SELECT status, error_code FROM mallard.queries WHERE contains(sql, '"
                    + marker + "') AND NOT contains(sql, 'mallard.queries')");
            assertThat(history.rows()).containsExactly(List.of("cancelled", "QUERY_CANCELLED"));
        }
    }

    @Test
    @Order(7)
    void thePlanIsDrawnWhole() throws Exception {
        setSql(QUERY);
        browser.findElement(By.id("explain-analyze")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan")));
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) js("return [...document.querySelectorAll('#plan dt')].map(d => d.textContent)");
        assertThat(keys).contains("strategy", "worker", "combine", "analyze", "timeline", "tasks");
        String tasks = (String) js("return [...document.querySelectorAll('#plan dt')].find(d => d.textContent === 'tasks')"
                + ".nextElementSibling.textContent");
        assertThat(tasks.split("\n")).as("one line per shard: rows, bytes, time").hasSize(2)
                .allMatch(line -> line.matches("shard-00[01]( \\([^)]*\\))? on w\\d+: \\d+ rows, \\d+ bytes, \\d+ ms, finished"));
        String shown = (String) js("return [...document.querySelectorAll('#plan dt')].map(d => d.textContent + ': ' + "
                + "d.nextElementSibling.textContent).join('\\n')");
        try (var client = cluster.sqlClient()) {
            QueryRows plan = client.query("EXPLAIN " + QUERY);
            for (List<Object> row : plan.rows()) {
                for (Object cell : row) {
                    for (String line : String.valueOf(cell).split("\n")) {
                        int colon = line.indexOf(':');
                        if (line.startsWith("worker:") || line.startsWith("combine:") || line.startsWith("strategy:")) {
                            assertThat(shown).as("the plan's line, whole").contains(line.substring(0, colon) + ": "
                                    + line.substring(colon + 1).trim());
                        }
                    }
                }
            }
        }
        screenshot("plan");
    }

    @Test
    @Order(8)
    void theClusterViewShowsWorkersTablesAndQueries() throws Exception {
        browser.findElement(By.id("tab-cluster")).click();
        wait.until(ExpectedConditions.textMatches(By.id("cluster-status"), java.util.regex.Pattern.compile("^as of ")));
        List<WebElement> workers = browser.findElements(By.cssSelector("#workers tbody tr"));
        assertThat(workers).hasSize(cluster.workers().size());
        assertThat(workers.get(0).getText()).contains("trusted");
        assertThat(browser.findElements(By.cssSelector("#shards tbody tr"))).hasSize(2);
        assertThat(browser.findElement(By.id("tables")).getText()).contains("lineitem").contains("region");
        assertThat(browser.findElement(By.id("recent")).getText()).contains("cancelled").contains("QUERY_CANCELLED");
        assertThat(browser.findElements(By.cssSelector("#chart svg rect"))).isNotEmpty();
        screenshot("cluster");
    }

    @Test
    @Order(9)
    void theDistributedToggleSetsTheSession() throws Exception {
        WebElement toggle = browser.findElement(By.id("set-distributed"));
        assertThat(toggle.isSelected()).isTrue();
        toggle.click();
        wait.until(d -> !d.findElement(By.id("set-distributed")).isSelected());
        browser.findElement(By.id("tab-query")).click();
        setSql("SELECT count(*) FROM lineitem");
        browser.findElement(By.id("run")).click();
        awaitStatus("failed");
        assertThat(browser.findElement(By.id("error")).getText()).startsWith("INVALID_ARGUMENT: mallard.distributed is off");

        browser.findElement(By.id("set-distributed")).click();
        wait.until(d -> d.findElement(By.id("set-distributed")).isSelected());
        browser.findElement(By.id("run")).click();
        awaitStatus("finished");
        try (Oracle oracle = new Oracle(cluster.oracleFile())) {
            assertThat(browser.findElement(By.cssSelector("#result-table tbody td")).getText())
                    .isEqualTo(oracle.query("SELECT count(*) FROM lineitem").rows().get(0).get(0).toString());
        }
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertThat(browser.findElement(By.id("app")).isDisplayed()).as("logged out for good").isFalse();
    }

    @Test
    @Order(10)
    void aReaderSeesWhatTheSystemTablesShowThem() throws Exception {
        String password = "rita-" + UUID.randomUUID();
        try (var admin = cluster.sqlClient()) {
            admin.query("CREATE USER rita WITH PASSWORD '" + password + "'");
            admin.query("GRANT reader TO rita");
        }
        browser.findElement(By.id("user")).clear();
        browser.findElement(By.id("user")).sendKeys("rita");
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("rita (reader)");
        setSql("SELECT count(*) FROM region");
        browser.findElement(By.id("run")).click();
        awaitStatus("finished");
        browser.findElement(By.id("tab-cluster")).click();
        wait.until(ExpectedConditions.textMatches(By.id("cluster-status"), java.util.regex.Pattern.compile("^as of ")));
        assertThat(browser.findElement(By.id("workers")).getText()).isEqualTo("shown to admins only");
        assertThat(browser.findElement(By.id("shards")).getText()).isEqualTo("shown to admins only");
        assertThat(browser.findElement(By.id("tables")).getText()).contains("lineitem");
        @SuppressWarnings("unchecked")
        List<String> users = (List<String>) js("return [...document.querySelectorAll('#recent tbody tr')]"
                + ".map(tr => tr.cells[1].textContent)");
        assertThat(users).as("a reader sees their own queries only").isNotEmpty().containsOnly("rita");
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    private static void setSql(String sql) {
        js("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])", sql);
    }

    private static void awaitStatus(String state) {
        try {
            wait.until(ExpectedConditions.textMatches(By.id("status"), java.util.regex.Pattern.compile("^" + state + " in ")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the statement did not end " + state + ": " + browser.findElement(By.id("status"))
                    .getText() + " " + browser.findElement(By.id("error")).getText(), e);
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static void screenshot(String name) throws Exception {
        Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.move(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
