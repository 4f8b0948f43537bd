package dev.usermq.grpc;

import dev.usermq.mq.FailureClassifier;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a call that failed in its route the status the failure means. camel-grpc closes every
 * failed unary call with {@code INTERNAL}, the exception attached as the status's cause (which is
 * not sent): a {@link StatusRuntimeException} thrown on purpose (NOT_FOUND, INVALID_ARGUMENT, ...)
 * keeps its status, a dependency that is down or slow becomes {@code UNAVAILABLE} (the caller may
 * retry), anything else {@code INTERNAL} without the exception's message.
 */
public class FailureStatusInterceptor implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(FailureStatusInterceptor.class);

  private final FailureClassifier classifier;

  public FailureStatusInterceptor(FailureClassifier classifier) {
    this.classifier = classifier;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            boolean failedInRoute =
                status.getCode() == Status.Code.INTERNAL && status.getCause() != null;
            super.close(failedInRoute ? statusOf(status.getCause()) : status, trailers);
          }
        },
        headers);
  }

  /** The status a failure of the route stands for. */
  Status statusOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException e) {
        return e.getStatus();
      }
      if (t instanceof StatusException e) {
        return e.getStatus();
      }
    }
    if (classifier.isTransient(failure)) {
      log.warn("gRPC call failed, a dependency is unavailable: {}", failure.toString());
      return Status.UNAVAILABLE.withDescription("a dependency is unavailable, retry later");
    }
    log.error("gRPC call failed", failure);
    return Status.INTERNAL.withDescription("internal error");
  }
}
