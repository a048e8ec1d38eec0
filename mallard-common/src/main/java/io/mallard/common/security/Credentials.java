package io.mallard.common.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's secrets (worker join token, URL signing key) and its users, kept in
 * {@code credentials.json} (mode 0600) written by {@code mallard bootstrap}.
 */
public final class Credentials {
    /** The credentials file inside the bootstrap directory. */
    public static final String FILE_NAME = "credentials.json";
    /** The file holding the first admin's plain password, for the operator to read once. */
    public static final String ADMIN_PASSWORD_FILE_NAME = "admin-password.txt";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int JOIN_TOKEN_BYTES = 32;
    private static final int URL_SIGNING_KEY_BYTES = 32;

    private final String joinToken;
    private final byte[] urlSigningKey;
    private final Map<String, UserRecord> usersByName;

    private Credentials(String joinToken, byte[] urlSigningKey, List<UserRecord> users) {
        this.joinToken = joinToken;
        this.urlSigningKey = urlSigningKey.clone();
        Map<String, UserRecord> byName = new LinkedHashMap<>();
        for (UserRecord user : users) {
            if (byName.putIfAbsent(user.name(), user) != null) {
                throw new IllegalArgumentException("user '" + user.name() + "' appears twice");
            }
        }
        this.usersByName = byName;
    }

    /**
     * Creates {@code dir/credentials.json} (0600) with a fresh 32-byte join token, a fresh 32-byte
     * URL signing key and one admin user, and {@code dir/admin-password.txt} (0600) holding the
     * plain password. Existing files are replaced; deciding whether to regenerate is the caller's.
     */
    public static Credentials generate(Path dir, String adminUser, char[] adminPassword)
            throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(adminPassword, "adminPassword");
        if (adminPassword.length == 0) {
            throw new IllegalArgumentException("admin password must not be empty");
        }
        UserRecord admin = new UserRecord(adminUser, UserRecord.ADMIN, PasswordHasher.hash(adminPassword));
        Credentials credentials = new Credentials(
                Secrets.randomToken(JOIN_TOKEN_BYTES), Secrets.randomBytes(URL_SIGNING_KEY_BYTES), List.of(admin));
        Files.createDirectories(dir);
        SecureFiles.writeOwnerOnly(dir.resolve(FILE_NAME), credentials.toJson());
        byte[] encoded = Secrets.utf8(adminPassword);
        byte[] line = Arrays.copyOf(encoded, encoded.length + 1);
        line[encoded.length] = '\n';
        try {
            SecureFiles.writeOwnerOnly(dir.resolve(ADMIN_PASSWORD_FILE_NAME), line);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            Arrays.fill(line, (byte) 0);
        }
        return credentials;
    }

    /**
     * Reads {@code dir/credentials.json}. Fails with {@link NoSuchFileException} when it is missing
     * and with an {@link IOException} naming the problem when it is malformed.
     */
    public static Credentials load(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "no credentials file; run `mallard bootstrap` to create it");
        }
        SecureFiles.warnIfReadableByOthers(file);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is malformed: " + e.getMessage(), e);
        }
    }

    /** The token a worker presents to join the cluster. */
    public String joinToken() {
        return joinToken;
    }

    /** The HMAC key for {@link UrlSigner} (a copy). */
    public byte[] urlSigningKey() {
        return urlSigningKey.clone();
    }

    /** All users, in file order. */
    public List<UserRecord> users() {
        return List.copyOf(usersByName.values());
    }

    /**
     * Returns the user when {@code password} matches its Argon2id hash, else empty. An unknown
     * user costs one Argon2id verification too, so response time does not reveal which names exist.
     */
    public Optional<UserRecord> authenticate(String user, char[] password) {
        if (password == null) {
            return Optional.empty();
        }
        UserRecord record = user == null ? null : usersByName.get(user);
        if (record == null) {
            PasswordHasher.verify(password, DummyHash.VALUE);
            return Optional.empty();
        }
        return PasswordHasher.verify(password, record.passwordHash()) ? Optional.of(record) : Optional.empty();
    }

    /** Names the users only: the secrets stay out of logs. */
    @Override
    public String toString() {
        return "Credentials[users=" + usersByName.values() + "]";
    }

    private byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("joinToken", joinToken);
        root.put("urlSigningKey", Base64.getEncoder().encodeToString(urlSigningKey));
        ArrayNode users = root.putArray("users");
        for (UserRecord user : usersByName.values()) {
            users.addObject()
                    .put("name", user.name())
                    .put("role", user.role())
                    .put("passwordHash", user.passwordHash());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static Credentials fromJson(JsonNode root) {
        String joinToken = requiredText(root, "joinToken");
        byte[] key = Base64.getDecoder().decode(requiredText(root, "urlSigningKey"));
        if (key.length < UrlSigner.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("urlSigningKey has " + key.length
                    + " bytes, needs at least " + UrlSigner.MIN_KEY_BYTES);
        }
        JsonNode usersNode = root.path("users");
        if (!usersNode.isArray()) {
            throw new IllegalArgumentException("\"users\" must be an array");
        }
        List<UserRecord> users = new ArrayList<>();
        for (JsonNode user : usersNode) {
            users.add(new UserRecord(
                    requiredText(user, "name"), requiredText(user, "role"), requiredText(user, "passwordHash")));
        }
        return new Credentials(joinToken, key, users);
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a non-empty string");
        }
        return value.asText();
    }

    /** A hash to verify against for unknown users, made on first use. */
    private static final class DummyHash {
        static final String VALUE = PasswordHasher.hash(Secrets.randomToken(16).toCharArray());
    }
}
