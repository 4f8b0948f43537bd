package dev.usermq.repository.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.usermq.config.AuthzProperties;
import dev.usermq.embedded.AuthzStubService;
import dev.usermq.repository.DependencyUnavailableException;
import dev.usermq.repository.RepositoryConfiguration;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The authz client over TLS ({@code AUTHZ_PLAINTEXT=false}), as the service builds it, against a
 * gRPC server with a certificate for {@code localhost}: the transport negotiates TLS and HTTP/2
 * through the JDK, and trusts what the JVM's default trust store holds (the chart passes its
 * truststore as {@code javax.net.ssl.trustStore}), nothing else.
 */
class AuthzTlsIT {

  private static final String PASSWORD = "changeit";
  @TempDir static Path dir;
  private static Path keyStore;
  private static Path otherKeyStore;

  private final Map<String, String> savedProperties = new HashMap<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeAll
  static void makeCertificates() throws Exception {
    keyStore = keyPair("authz.p12", "localhost", "SAN=dns:localhost,ip:127.0.0.1");
    otherKeyStore = keyPair("other.p12", "other", "SAN=dns:other");
  }

  /** A store with one self-signed key pair (a PKCS12 store trusts its own certificate). */
  private static Path keyPair(String file, String name, String subjectAltNames) throws Exception {
    Path store = dir.resolve(file);
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-ext",
                subjectAltNames,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(process.exitValue()).as("keytool: " + output).isZero();
    return store;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    savedProperties.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }

  @Test
  void callsAnAuthzServerWhoseCertificateTheTrustStoreHolds() throws Exception {
    startTlsServer();
    trustStore(keyStore);

    AuthzSrv authz = client();

    authz.grantRole(7, AuthzStubService.MEMBER);
    assertThat(authz.checkPermission(7, "user.third_auth.bind")).isTrue();
  }

  @Test
  void refusesAnAuthzServerWhoseCertificateItDoesNotTrust() throws Exception {
    startTlsServer();
    // the JVM's trust store holds another certificate, not the server's
    trustStore(otherKeyStore);

    AuthzSrv authz = client();

    assertThatThrownBy(() -> authz.checkPermission(7, "user.third_auth.bind"))
        .isInstanceOf(DependencyUnavailableException.class)
        .hasStackTraceContaining("SSLHandshakeException")
        .hasStackTraceContaining("PKIX path building failed");
  }

  private void startTlsServer() throws IOException, GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(load(keyStore), PASSWORD.toCharArray());
    server =
        Grpc.newServerBuilderForPort(
                0, TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers()).build())
            .addService(new AuthzStubService())
            .build()
            .start();
  }

  /** Makes {@code store} the JVM's default trust store until the test ends. */
  private void trustStore(Path store) {
    Map.of(
            "javax.net.ssl.trustStore",
            store.toString(),
            "javax.net.ssl.trustStorePassword",
            PASSWORD,
            "javax.net.ssl.trustStoreType",
            "PKCS12")
        .forEach(
            (name, value) -> {
              savedProperties.putIfAbsent(name, System.getProperty(name));
              System.setProperty(name, value);
            });
  }

  /** The service's own beans for the authz client, with TLS. */
  private AuthzSrv client() {
    AuthzProperties properties =
        new AuthzProperties("localhost:" + server.getPort(), Duration.ofSeconds(5), false, 8);
    RepositoryConfiguration configuration = new RepositoryConfiguration();
    channel = configuration.authzChannel(properties);
    return configuration.authzSrv(
        channel,
        properties,
        new StaticListableBeanFactory().getBeanProvider(ClientInterceptor.class));
  }

  private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    return keys;
  }
}
