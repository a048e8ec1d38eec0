package io.mallard.data.store;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The SDK clients of the S3 store and the S3 import source, configured alike: the JDK's {@code HttpURLConnection}
 * (no netty, no Apache HTTP client), checksums only where S3 requires them (so S3-compatible servers that predate the
 * SDK's default trailing checksums work), and static credentials.
 */
final class S3Clients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private S3Clients() {
    }

    static S3Client client(S3Endpoint service, S3Credentials credentials) {
        S3ClientBuilder client = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT))
                .region(Region.of(service.region()))
                .credentialsProvider(provider(credentials))
                .serviceConfiguration(addressing(service))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (service.endpoint() != null) {
            client.endpointOverride(service.endpoint());
        }
        return client.build();
    }

    static S3Presigner presigner(S3Endpoint service, S3Credentials credentials) {
        S3Presigner.Builder signer = S3Presigner.builder()
                .region(Region.of(service.region()))
                .credentialsProvider(provider(credentials))
                .serviceConfiguration(addressing(service));
        if (service.endpoint() != null) {
            signer.endpointOverride(service.endpoint());
        }
        return signer.build();
    }

    private static S3Configuration addressing(S3Endpoint service) {
        return S3Configuration.builder().pathStyleAccessEnabled(service.pathStyle()).build();
    }

    private static StaticCredentialsProvider provider(S3Credentials credentials) {
        AwsCredentials aws = credentials.sessionToken()
                .<AwsCredentials>map(token -> AwsSessionCredentials.create(credentials.accessKeyId(),
                        credentials.secretAccessKey(), token))
                .orElseGet(() -> AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()));
        return StaticCredentialsProvider.create(aws);
    }
}
