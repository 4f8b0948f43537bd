package dev.usermq.grpc;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Endpoint;
import org.apache.camel.component.grpc.GrpcComponent;
import org.apache.camel.component.grpc.GrpcConfiguration;

/**
 * The {@code grpc} component of this service: camel-grpc's, except that the server a {@code from:
 * grpc://...} route starts also serves the given services (health, reflection) on its port.
 *
 * <p>Why a component of our own: camel-grpc's consumer builds a Netty server for the one service of
 * its route, with no hook to add another (its {@code BindableServiceFactory} returns one service,
 * server interceptors see only calls of registered methods), and its server field is private, so a
 * subclass of the consumer cannot start it differently. A second server on another port would break
 * the contract (health and reflection beside {@code UserService} on {@code GRPC_PORT}). So this
 * component's consumer builds the server itself, and leaves the calls of the route's service to
 * camel-grpc's own method handler (failures, headers, the {@code CamelGrpcMethodName} header). It
 * stops the server gracefully: calls in flight may finish for the shutdown grace.
 */
// the scheme, by which Camel finds camel-grpc's option configurers (not inherited)
@org.apache.camel.spi.annotations.Component("grpc")
public class SharedPortGrpcComponent extends GrpcComponent {

  private final List<BindableService> besideServices;
  private final List<ServerInterceptor> serverInterceptors;
  private final int defaultMaxMessageSize;
  private final Duration shutdownGrace;

  /**
   * @param besideServices served on the port of every consumer endpoint, beside its service
   * @param serverInterceptors applied to every call of a consumer endpoint's server
   * @param defaultMaxMessageSize largest inbound message in bytes, unless an endpoint says
   *     otherwise
   * @param shutdownGrace how long a stopping server lets calls in flight finish
   */
  public SharedPortGrpcComponent(
      List<BindableService> besideServices,
      List<ServerInterceptor> serverInterceptors,
      int defaultMaxMessageSize,
      Duration shutdownGrace) {
    this.besideServices = List.copyOf(besideServices);
    this.serverInterceptors = List.copyOf(serverInterceptors);
    this.defaultMaxMessageSize = defaultMaxMessageSize;
    this.shutdownGrace = shutdownGrace;
  }

  /** As {@link GrpcComponent#createEndpoint}, with this component's endpoint. */
  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    GrpcConfiguration config = parseConfiguration(new GrpcConfiguration(), uri);
    // camel-grpc passes maxMessageSize to Netty as bytes (its documentation says MiB)
    config.setMaxMessageSize(defaultMaxMessageSize);
    SharedPortGrpcEndpoint endpoint = new SharedPortGrpcEndpoint(uri, this, config);
    setProperties(endpoint, parameters);
    if (config.isAutoDiscoverClientInterceptors()) {
      Set<io.grpc.ClientInterceptor> found =
          getCamelContext().getRegistry().findByType(io.grpc.ClientInterceptor.class);
      if (!found.isEmpty()) {
        config.setClientInterceptors(new ArrayList<>(found));
      }
    }
    if (config.isAutoDiscoverServerInterceptors()) {
      Set<ServerInterceptor> found =
          getCamelContext().getRegistry().findByType(ServerInterceptor.class);
      if (!found.isEmpty()) {
        config.setServerInterceptors(new ArrayList<>(found));
      }
    }
    return endpoint;
  }

  List<BindableService> besideServices() {
    return besideServices;
  }

  List<ServerInterceptor> serverInterceptors() {
    return serverInterceptors;
  }

  Duration shutdownGrace() {
    return shutdownGrace;
  }
}
