package dev.usermq.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Processor;
import org.apache.camel.component.grpc.GrpcConfiguration;
import org.apache.camel.component.grpc.GrpcConstants;
import org.apache.camel.component.grpc.GrpcConsumer;
import org.apache.camel.component.grpc.server.BindableServiceFactory;
import org.apache.camel.component.grpc.server.DefaultBindableServiceFactory;
import org.apache.camel.component.grpc.server.GrpcHeaderInterceptor;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server of a {@code from: grpc://host:port/service} route: the route's service as camel-grpc
 * binds it, plus {@link SharedPortGrpcComponent}'s services, on the endpoint's port.
 *
 * <p>Unary methods only: camel-grpc's method handler runs the route in the calling thread and
 * answers with the body it leaves (with {@code synchronous} set on the endpoint). Streaming calls
 * would go through a {@link GrpcConsumer} that is never started, and be discarded.
 */
public class SharedPortGrpcConsumer extends DefaultConsumer {

  private static final Logger log = LoggerFactory.getLogger(SharedPortGrpcConsumer.class);

  private final SharedPortGrpcEndpoint endpoint;
  private final SharedPortGrpcComponent component;

  /** Hands the calls to the route: only its processor is used, its own server never starts. */
  private final GrpcConsumer routeCalls;

  private Server server;

  public SharedPortGrpcConsumer(
      SharedPortGrpcEndpoint endpoint, Processor processor, SharedPortGrpcComponent component) {
    super(endpoint, processor);
    this.endpoint = endpoint;
    this.component = component;
    this.routeCalls = new GrpcConsumer(endpoint, processor, endpoint.getConfiguration());
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    if (server == null) {
      server = buildServer().start();
      log.info(
          "gRPC server of {} listening on port {}",
          endpoint.getConfiguration().getService(),
          server.getPort());
    }
  }

  /**
   * Stops taking calls and lets those in flight finish for the shutdown grace; Camel stops this
   * consumer before the beans the route calls.
   */
  @Override
  protected void doStop() throws Exception {
    if (server != null) {
      server.shutdown();
      long graceMillis = component.shutdownGrace().toMillis();
      if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        log.warn("gRPC calls still running after {} ms, cancelling them", graceMillis);
        server.shutdownNow();
      }
      server = null;
    }
    super.doStop();
  }

  /** The port the server listens on; -1 when it is not running. */
  public int getPort() {
    return server == null ? -1 : server.getPort();
  }

  private Server buildServer() {
    GrpcConfiguration config = endpoint.getConfiguration();
    // unlike camel-grpc's own consumer, port 0 is allowed: a free port (tests, side-by-side runs)
    if (config.getHost() == null || config.getHost().isEmpty() || config.getPort() < 0) {
      throw new IllegalArgumentException("No server start properties (host, port) specified");
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.getHost(), config.getPort()))
            .maxInboundMessageSize(config.getMaxMessageSize())
            .maxInboundMetadataSize(config.getMaxInboundMetadataSize())
            .maxConcurrentCallsPerConnection(config.getMaxConcurrentCallsPerConnection())
            .keepAliveTime(config.getKeepAliveTime(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(config.getKeepAliveTimeout(), TimeUnit.MILLISECONDS)
            .permitKeepAliveTime(config.getPermitKeepAliveTime(), TimeUnit.MILLISECONDS)
            .permitKeepAliveWithoutCalls(config.isPermitKeepAliveWithoutCalls());
    BindableService routeService = bindableServiceFactory().createBindableService(routeCalls);
    builder.addService(ServerInterceptors.intercept(routeService, new GrpcHeaderInterceptor()));
    component.besideServices().forEach(builder::addService);
    // the last one added runs first
    config.getServerInterceptors().forEach(builder::intercept);
    for (ServerInterceptor interceptor : component.serverInterceptors()) {
      builder.intercept(interceptor);
    }
    return builder.build();
  }

  /** camel-grpc's own lookup: a factory in the registry, else its default one. */
  private BindableServiceFactory bindableServiceFactory() {
    BindableServiceFactory factory =
        CamelContextHelper.lookup(
            endpoint.getCamelContext(),
            GrpcConstants.GRPC_BINDABLE_SERVICE_FACTORY_NAME,
            BindableServiceFactory.class);
    return factory != null ? factory : new DefaultBindableServiceFactory();
  }
}
