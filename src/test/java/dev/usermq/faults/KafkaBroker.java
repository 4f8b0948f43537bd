package dev.usermq.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A one-node KRaft Kafka broker (broker and controller in one process) in its own JVM, started from
 * the Kafka classes on the test classpath. It keeps its ports and log directory across restarts.
 */
public final class KafkaBroker implements AutoCloseable {

  private final Path dir;
  private final Path config;
  private final int port;
  private Process process;
  private int starts;

  public KafkaBroker(Path dir) throws Exception {
    this.dir = dir;
    this.port = Ports.free();
    int controllerPort = Ports.free();
    Files.createDirectories(dir);
    Path logDir = dir.resolve("data");
    this.config = dir.resolve("server.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=" + logDir.toAbsolutePath(),
            "num.partitions=1",
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "num.network.threads=2",
            "num.io.threads=4",
            "log.segment.bytes=67108864",
            ""));
    Process format =
        Procs.java(
                List.of("-Xmx256m"),
                "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("format.log").toFile())
            .start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException(
          "kafka storage format failed, see " + dir.resolve("format.log"));
    }
  }

  public String brokers() {
    return "127.0.0.1:" + port;
  }

  public synchronized void start() throws IOException {
    starts++;
    process =
        Procs.java(List.of("-Xmx768m", "-Xms256m"), "kafka.Kafka", List.of(config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker-" + starts + ".log").toFile())
            .start();
    Procs.track(process);
    Ports.awaitListening(port, 120);
  }

  /** The pid of the broker's process, while it runs. */
  public synchronized long pid() {
    return process.pid();
  }

  /** Stops the broker the way an operator would (SIGTERM, controlled shutdown). */
  public synchronized void stop() throws InterruptedException {
    if (process != null) {
      Procs.stop(process, 60);
      process = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
