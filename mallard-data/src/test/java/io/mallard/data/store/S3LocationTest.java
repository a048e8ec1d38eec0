package io.mallard.data.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {
    @Test
    void parsesBucketAndPrefixWithAwsDefaults() {
        S3Location location = S3Location.parse("s3://my-bucket/mallard/prod");

        assertThat(location).isEqualTo(new S3Location("my-bucket", "mallard/prod/", null, "us-east-1", false));
        assertThat(location.objectKey("tables/t/s0/a.duckdb")).isEqualTo("mallard/prod/tables/t/s0/a.duckdb");
        assertThat(location.uri()).isEqualTo("s3://my-bucket/mallard/prod/");
    }

    @Test
    void aBucketAloneHasAnEmptyPrefix() {
        assertThat(S3Location.parse("s3://data").prefix()).isEmpty();
        assertThat(S3Location.parse("s3://data/").prefix()).isEmpty();
        assertThat(S3Location.parse("S3://data/p/").prefix()).isEqualTo("p/");
        assertThat(S3Location.parse("s3://data").objectKey("a/b")).isEqualTo("a/b");
    }

    @Test
    void endpointRegionAndPathStyleAreOptions() {
        S3Location location = S3Location.parse("s3://b-1/x").withEndpoint(URI.create("http://127.0.0.1:9000"))
                .withRegion("eu-central-1").withPathStyle(true);

        assertThat(location).isEqualTo(new S3Location("b-1", "x/", URI.create("http://127.0.0.1:9000"), "eu-central-1",
                true));
        assertThat(location.withRegion(null).region()).isEqualTo(S3Location.DEFAULT_REGION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"my-bucket", "http://b/x", "s3://", "s3://ab", "s3://Upper", "s3://-start", "s3://end-",
            "s3://a..b", "s3://b/../x", "s3://b//x", "s3://b/.hidden",
            "s3://bxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void refusesWhatIsNotABucketAndPrefix(String uri) {
        assertThatThrownBy(() -> S3Location.parse(uri)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://h", "127.0.0.1:9000", "http://user:secret@h:9000", "http://h/path", "http://h?q=1",
            "http://h#f"})
    void refusesEndpointsThatAreNotJustSchemeHostAndPort(String endpoint) {
        assertThatThrownBy(() -> S3Location.parse("s3://bucket").withEndpoint(URI.create(endpoint)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    @Test
    void credentialsShowWhereTheyCameFromButNeverTheKey() {
        S3Credentials explicit = S3Credentials.of("AKIAEXAMPLE", "wJalrXUtnFEMIK7MDENG");
        S3Credentials env = S3Credentials.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAENV",
                "AWS_SECRET_ACCESS_KEY", "envsecretvalue", "AWS_SESSION_TOKEN", "tokenvalue"));

        assertThat(explicit.toString()).contains("explicit").doesNotContain("AKIAEXAMPLE", "wJalrXUtnFEMIK7MDENG");
        assertThat(env.toString()).contains("AWS_ACCESS_KEY_ID", "temporary")
                .doesNotContain("AKIAENV", "envsecretvalue", "tokenvalue");
        assertThat(env.sessionToken()).contains("tokenvalue");
    }

    @Test
    void missingCredentialsNameTheVariablesNotTheirValues() {
        assertThatThrownBy(() -> S3Credentials.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIAONLY")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AKIAONLY"));
        assertThatThrownBy(() -> S3Credentials.of("", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
