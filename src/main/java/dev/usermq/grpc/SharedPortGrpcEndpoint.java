package dev.usermq.grpc;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.grpc.GrpcConfiguration;
import org.apache.camel.component.grpc.GrpcEndpoint;

/** A camel-grpc endpoint whose consumer serves {@link SharedPortGrpcComponent}'s services too. */
public class SharedPortGrpcEndpoint extends GrpcEndpoint {

  public SharedPortGrpcEndpoint(
      String uri, SharedPortGrpcComponent component, GrpcConfiguration c) {
    super(uri, component, c);
  }

  @Override
  public Consumer createConsumer(Processor processor) throws Exception {
    SharedPortGrpcConsumer consumer =
        new SharedPortGrpcConsumer(this, processor, (SharedPortGrpcComponent) getComponent());
    configureConsumer(consumer);
    return consumer;
  }
}
