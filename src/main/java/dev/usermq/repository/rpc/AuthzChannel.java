package dev.usermq.repository.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The channel to authz, for every call made on it (the authz client's, the health checks').
 *
 * <p>While a server is gone, gRPC waits longer and longer between its attempts to connect (up to
 * two minutes), and every call meanwhile fails at once: a call or a check soon after the server is
 * back would still fail. So a call that finds the channel waiting out that backoff has it try to
 * connect again now, and the pauses of the callers (the retries, the background delivery, a paused
 * consumer's checks) decide when authz is tried again. gRPC has no public setting for the backoff.
 */
public final class AuthzChannel {

  private AuthzChannel() {}

  public static ManagedChannel open(String target, ChannelCredentials credentials) {
    AtomicReference<ManagedChannel> opened = new AtomicReference<>();
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, credentials).intercept(reconnectNow(opened::get)).build();
    opened.set(channel);
    return channel;
  }

  private static ClientInterceptor reconnectNow(Supplier<ManagedChannel> of) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ManagedChannel channel = of.get();
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
          channel.resetConnectBackoff();
        }
        return next.newCall(method, options);
      }
    };
  }
}
