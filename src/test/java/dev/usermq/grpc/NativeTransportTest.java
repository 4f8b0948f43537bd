package dev.usermq.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.EpollProvider;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Netty's native transport loads on the platforms the image is built for, so the gRPC server, the
 * authz client and Lettuce use epoll instead of NIO.
 */
@EnabledOnOs(OS.LINUX)
@EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64|aarch64")
class NativeTransportTest {

  @Test
  void epollLoadsForGrpcAndLettuce() {
    assertThat(Epoll.isAvailable()).as("%s", Epoll.unavailabilityCause()).isTrue();
    assertThat(EpollProvider.isAvailable()).as("Lettuce uses epoll").isTrue();
  }
}
