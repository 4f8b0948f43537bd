/** Clients of other services over gRPC. */
package dev.usermq.repository.rpc;
