/**
 * The gRPC server of the user service: {@code user.v1.UserService} (a Camel route), the standard
 * health service and server reflection, on one port.
 */
package dev.usermq.grpc;
